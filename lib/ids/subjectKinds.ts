/**
 * USCC positions 1-2: the registration authority (登记管理部门代码) and the entity type within it
 * (机构类别代码), GB 32100-2015 with amendment No. 1 (2016, adds A 中央军委改革和编制办公室) and the
 * later N 农业 codes for rural collective economic organizations. Each defined pair maps to one
 * SubjectKind; every "9 其他" type and authority Y map to OTHER (the code itself keeps the detail).
 */

export const SUBJECT_KINDS = [
  'GOVERNMENT_AGENCY',
  'PUBLIC_INSTITUTION',
  'MASS_ORGANIZATION',
  'FOREIGN_NEWS_AGENCY',
  'LAW_FIRM',
  'NOTARY_OFFICE',
  'LEGAL_SERVICE_OFFICE',
  'FORENSIC_EXAMINATION_INSTITUTION',
  'ARBITRATION_COMMISSION',
  'FOREIGN_CULTURAL_CENTER',
  'SOCIAL_ORGANIZATION',
  'PRIVATE_NON_ENTERPRISE',
  'FOUNDATION',
  'FOREIGN_TOURISM_OFFICE',
  'HONG_KONG_MACAO_TAIWAN_TOURISM_OFFICE',
  'RELIGIOUS_VENUE',
  'RELIGIOUS_COLLEGE',
  'TRADE_UNION',
  'ENTERPRISE',
  'INDIVIDUAL_BUSINESS',
  'FARMERS_COOPERATIVE',
  'MILITARY',
  'RURAL_COLLECTIVE',
  'OTHER',
] as const;

export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** Chinese label of each kind, e.g. for GraphQL enum descriptions. */
export const SUBJECT_KIND_LABELS: Readonly<Record<SubjectKind, string>> = {
  GOVERNMENT_AGENCY: '机关',
  PUBLIC_INSTITUTION: '事业单位',
  MASS_ORGANIZATION: '中央编办直接管理机构编制的群众团体',
  FOREIGN_NEWS_AGENCY: '外国常驻新闻机构',
  LAW_FIRM: '律师执业机构',
  NOTARY_OFFICE: '公证处',
  LEGAL_SERVICE_OFFICE: '基层法律服务所',
  FORENSIC_EXAMINATION_INSTITUTION: '司法鉴定机构',
  ARBITRATION_COMMISSION: '仲裁委员会',
  FOREIGN_CULTURAL_CENTER: '外国在华文化中心',
  SOCIAL_ORGANIZATION: '社会团体',
  PRIVATE_NON_ENTERPRISE: '民办非企业单位',
  FOUNDATION: '基金会',
  FOREIGN_TOURISM_OFFICE: '外国旅游部门常驻代表机构',
  HONG_KONG_MACAO_TAIWAN_TOURISM_OFFICE: '港澳台地区旅游部门常驻内地（大陆）代表机构',
  RELIGIOUS_VENUE: '宗教活动场所',
  RELIGIOUS_COLLEGE: '宗教院校',
  TRADE_UNION: '基层工会',
  ENTERPRISE: '企业',
  INDIVIDUAL_BUSINESS: '个体工商户',
  FARMERS_COOPERATIVE: '农民专业合作社',
  MILITARY: '军队事业单位',
  RURAL_COLLECTIVE: '农村集体经济组织',
  OTHER: '其他',
};

export interface EntityTypeDefinition {
  /** USCC position 1 */
  registrationAuthority: string;
  /** USCC position 2 */
  entityType: string;
  kind: SubjectKind;
  /** 登记管理部门, e.g. 工商 */
  authorityName: string;
  /** 机构类别, e.g. 个体工商户 */
  typeName: string;
}

type Row = [authority: string, authorityName: string, types: [entityType: string, kind: SubjectKind, typeName: string][]];

const OTHER: [string, SubjectKind, string] = ['9', 'OTHER', '其他'];

const TABLE: Row[] = [
  ['1', '机构编制', [['1', 'GOVERNMENT_AGENCY', '机关'], ['2', 'PUBLIC_INSTITUTION', '事业单位'], ['3', 'MASS_ORGANIZATION', '群众团体'], OTHER]],
  ['2', '外交', [['1', 'FOREIGN_NEWS_AGENCY', '外国常驻新闻机构'], OTHER]],
  ['3', '司法行政', [
    ['1', 'LAW_FIRM', '律师执业机构'],
    ['2', 'NOTARY_OFFICE', '公证处'],
    ['3', 'LEGAL_SERVICE_OFFICE', '基层法律服务所'],
    ['4', 'FORENSIC_EXAMINATION_INSTITUTION', '司法鉴定机构'],
    ['5', 'ARBITRATION_COMMISSION', '仲裁委员会'],
    OTHER,
  ]],
  ['4', '文化', [['1', 'FOREIGN_CULTURAL_CENTER', '外国在华文化中心'], OTHER]],
  ['5', '民政', [['1', 'SOCIAL_ORGANIZATION', '社会团体'], ['2', 'PRIVATE_NON_ENTERPRISE', '民办非企业单位'], ['3', 'FOUNDATION', '基金会'], OTHER]],
  ['6', '旅游', [
    ['1', 'FOREIGN_TOURISM_OFFICE', '外国旅游部门常驻代表机构'],
    ['2', 'HONG_KONG_MACAO_TAIWAN_TOURISM_OFFICE', '港澳台地区旅游部门常驻内地（大陆）代表机构'],
    OTHER,
  ]],
  ['7', '宗教', [['1', 'RELIGIOUS_VENUE', '宗教活动场所'], ['2', 'RELIGIOUS_COLLEGE', '宗教院校'], OTHER]],
  ['8', '工会', [['1', 'TRADE_UNION', '基层工会'], OTHER]],
  // 工商 defines no "9 其他".
  ['9', '工商', [['1', 'ENTERPRISE', '企业'], ['2', 'INDIVIDUAL_BUSINESS', '个体工商户'], ['3', 'FARMERS_COOPERATIVE', '农民专业合作社']]],
  ['A', '中央军委改革和编制办公室', [['1', 'MILITARY', '军队事业单位'], OTHER]],
  ['N', '农业', [
    ['1', 'RURAL_COLLECTIVE', '组级集体经济组织'],
    ['2', 'RURAL_COLLECTIVE', '村级集体经济组织'],
    ['3', 'RURAL_COLLECTIVE', '乡镇级集体经济组织'],
    OTHER,
  ]],
  // "Y 其他" has no entity types of its own; the standard writes 1.
  ['Y', '其他', [['1', 'OTHER', '其他']]],
];

export const USCC_ENTITY_TYPES: readonly EntityTypeDefinition[] = TABLE.flatMap(([registrationAuthority, authorityName, types]) =>
  types.map(([entityType, kind, typeName]) => ({ registrationAuthority, entityType, kind, authorityName, typeName })),
);

const BY_PAIR = new Map(USCC_ENTITY_TYPES.map((d) => [d.registrationAuthority + d.entityType, d]));
const AUTHORITIES = new Map(TABLE.map(([code, name, types]) => [code, { name, entityTypes: types.map(([t]) => t) }]));

export function entityTypeDefinition(registrationAuthority: string, entityType: string): EntityTypeDefinition | undefined {
  return BY_PAIR.get(registrationAuthority + entityType);
}

export function registrationAuthorityDefinition(code: string): { name: string; entityTypes: readonly string[] } | undefined {
  return AUTHORITIES.get(code);
}

export const REGISTRATION_AUTHORITY_CODES: readonly string[] = TABLE.map(([code]) => code);
