import { CREDIT_LISTS, type CreditList } from '../../lib/credit/lists';
import { measureFor, type Measure, type Scenario } from '../../lib/credit/measures';
import { departmentConstant } from '../../lib/departments';

/** The catalogues' entries as the graph shows them (CreditList, CheckMeasure). */

export const listView = (list: CreditList) => ({
  id: list.id,
  name: list.name,
  kind: list.kind,
  department: departmentConstant(list.department),
  basis: list.basis,
  repairable: list.repair?.repairable ?? null,
  repairAfterMonths: list.repair?.afterMonths ?? null,
});

export const measureView = (m: Measure) => ({ id: m.id, list: listView(CREDIT_LISTS.find((l) => l.id === m.list)!), effect: m.effect, text: m.text, basis: m.basis });

const LISTS_BY_ID = new Map(CREDIT_LISTS.map((l) => [l.id, l]));

/** a recorded list id as the catalogue names it; null for one since removed from the catalogue */
export const listViewById = (id: string) => {
  const list = LISTS_BY_ID.get(id);
  return list ? listView(list) : null;
};

/** a recorded measure id `<list>/<scenario>` */
export const measureViewById = (id: string) => {
  const cut = id.lastIndexOf('/');
  const measure = measureFor(id.slice(0, cut), id.slice(cut + 1) as Scenario);
  return measure ? measureView(measure) : null;
};
