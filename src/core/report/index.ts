// Public surface of the report: run, combine, render.
export { runReport, defaultJobs, capJobs, type ReportOptions, type ReportProgress } from './run';
export { buildReport, combineReports, derive } from './aggregate';
export { checkReportProfile, defaultReportProfile, profileFlopsFromSums, profileLabel, type ReportProfile } from './profile-flops';
export { analyzeText, HISTOGRAM_BUCKETS, type FileStats, type WindowConfig } from './stats';
export type { MergeScope } from '../merge/scope';
export { FilePipeline } from './process-file';
export * from './schema';
export { formatTable, formatMarkdown, formatCsv } from './format/text';
export { formatHtml } from './format/html';
export { loadReportViewAssets, type ReportViewAssets } from './format/report-view-assets';
export { reportView, type ReportView } from './view-model';
