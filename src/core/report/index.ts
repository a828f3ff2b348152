// Public surface of the report: run, combine, render.
export { runReport, defaultJobs, capJobs, type ReportOptions, type ReportProgress } from './run';
export { buildReport, combineReports, derive } from './aggregate';
export { analyzeText, HISTOGRAM_BUCKETS, type FileStats, type MergeScope, type WindowConfig } from './stats';
export { FilePipeline } from './process-file';
export * from './schema';
export { formatTable, formatMarkdown, formatCsv } from './format/text';
export { formatHtml, locateChartJs } from './format/html';
