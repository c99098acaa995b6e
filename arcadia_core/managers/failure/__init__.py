"""Failure analysis: a session's events become a failure report.

ArcadiaForge's module path `arcadia_core.managers.failure_analysis` re-exports its names.
records: FailureType, Severity, FailurePattern, FailureReport, ReportSummary, FailureSignature;
rules: known patterns, classification, pattern detection, fixes, timeline, similarity;
queries: the events analysed; manager: FailureAnalyzer and the report formats.
"""
