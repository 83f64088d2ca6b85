import type { CourtCase } from '../world/types';

/**
 * The courts' 执行信息查询 wire format (legacy-systems.md §3): dates stay `YYYY-MM-DD` (as LASJ
 * is documented), and ZXBD is yuan as a string with exactly two decimals ("12345.00") — a JSON
 * number would silently drop the trailing zeros and invite floating-point rounding.
 */

export interface CaseRow {
  AH: string;
  ZXFY: string;
  LASJ: string;
  ZXBD: string;
  YW: string;
  LXQK: string;
  SXQX: string;
  FBSJ: string;
  ZT: CourtCase['status'];
}

/** 分 → yuan with two decimals, integer arithmetic only */
export function fenToYuan(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new Error(`amount must be a safe integer number of fen, got ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export function caseRow(c: CourtCase): CaseRow {
  return {
    AH: c.caseNumber,
    ZXFY: c.court,
    LASJ: c.filedOn,
    ZXBD: fenToYuan(c.amountFen),
    YW: c.obligation,
    LXQK: c.performance,
    SXQX: c.conduct,
    FBSJ: c.publishedOn,
    ZT: c.status,
  };
}

/**
 * What the courts' servlet container prints when the service falls over: a Tomcat error page
 * with a Java stack trace and internal host names. Adapters must never pass any of it on.
 */
export const COURT_FAILURE_PAGE = `<!doctype html><html lang="zh"><head><title>HTTP Status 500 – Internal Server Error</title></head><body>
<h1>HTTP Status 500 – Internal Server Error</h1><hr class="line" />
<p><b>Type</b> Exception Report</p>
<p><b>Message</b> Request processing failed; nested exception is org.springframework.jdbc.CannotGetJdbcConnectionException: Could not get JDBC Connection</p>
<pre>org.springframework.web.util.NestedServletException: Request processing failed; nested exception is org.springframework.jdbc.CannotGetJdbcConnectionException: Could not get JDBC Connection; nested exception is java.sql.SQLRecoverableException: IO Error: Connection reset (jdbc:oracle:thin:@zxxx-db01.court.internal:1521/ZXXX)
	org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)
	org.springframework.web.servlet.FrameworkServlet.doGet(FrameworkServlet.java:898)
	cn.gov.court.zxxx.web.QueryController.query(QueryController.java:87)
	javax.servlet.http.HttpServlet.service(HttpServlet.java:634)
</pre>
<hr class="line" /><h3>Apache Tomcat/8.5.32</h3></body></html>`;
