"""Intervention learning: what people did when they stepped in, learned into patterns.

ArcadiaForge's module path `arcadia_core.managers.intervention_learning` re-exports its names.
records: InterventionType, ContextSignature, Intervention, InterventionPattern, MatchResult;
rules: the error-pattern normalisation; queries: pattern rows; manager: InterventionLearner.
"""
