-- Realistic rows as ArcadiaForge writes them into .arcadia/project.db (load after
-- arcadiaforge_schema.sql). Timestamps use ArcadiaForge's two text forms: server-defaulted
-- CURRENT_TIMESTAMP ("YYYY-MM-DD HH:MM:SS", UTC) and app-supplied datetimes
-- ("YYYY-MM-DD HH:MM:SS.ffffff", timezone dropped). JSON is text, booleans are 0/1.

INSERT INTO sessions (id, session_uuid, start_time, end_time, status, total_cost) VALUES
	(1, '3f2b8c1e-5d4a-4b6e-9a7f-1c2d3e4f5a6b', '2025-03-01 10:00:00', '2025-03-01 10:42:17.123456', 'completed', 1.25),
	(2, '8a9b0c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d', '2025-03-01 11:00:00', NULL, 'running', 0);

INSERT INTO events (id, session_id, timestamp, type, source, payload) VALUES
	(1, 1, '2025-03-01 10:00:00', 'session_start', 'agent', '{"iteration": 1, "model": "claude-sonnet"}'),
	(2, 1, '2025-03-01 10:00:05.250000', 'tool_call', 'agent', '{"tool_name": "Bash", "input": {"command": "npm test"}, "feature_index": 3}'),
	(3, 1, '2025-03-01 10:00:09.500000', 'tool_result', 'agent', '{"tool_name": "Bash", "is_error": false, "duration_ms": 4250, "feature_index": 3}');

INSERT INTO features (id, "index", category, description, steps, passes, verification_skipped, verified_at, audit_status, audit_notes, audit_reviewer, audit_time, priority, failure_count, last_worked, blocked_by, blocks, feature_metadata) VALUES
	(4, 3, 'functional', 'User can log in with email and password', '["Open /login", "Enter credentials", "See dashboard"]', 1, 0, '2025-03-01 10:40:00.000001', NULL, '[]', NULL, NULL, 2, 1, '2025-03-01T10:40:00', '[1]', '[5, 6]', '{}');

INSERT INTO artifacts (id, session_id, feature_index, type, path, description, metadata_json, created_at) VALUES
	('0d5e6f7a-8b9c-4d0e-a1f2-3b4c5d6e7f80', 1, 3, 'screenshot', 'screenshots/login.png', 'Dashboard after login', '{"width": 1280, "height": 720}', '2025-03-01 10:39:58');

INSERT INTO decisions (id, decision_id, timestamp, session_id, decision_type, context, choice, alternatives, rationale, confidence, inputs_consulted, outcome, outcome_success, outcome_timestamp, related_features, git_commit, checkpoint_id, decision_metadata) VALUES
	(1, 'D-1-1', '2025-03-01 10:01:00', 1, 'feature_selection', 'Three features failing', 'Work on feature 3', '["feature 5", "feature 6"]', 'Blocks two others', 0.8, '["feature_list"]', NULL, NULL, NULL, '[3]', NULL, NULL, '{}');

INSERT INTO warm_memory (id, session_id, started_at, ended_at, duration_seconds, features_started, features_completed, features_regressed, key_decisions, errors_encountered, errors_resolved, last_feature_worked, last_checkpoint_id, ending_state, patterns_discovered, warnings_for_next, tool_calls, escalations, human_interventions) VALUES
	(1, 1, '2025-03-01 10:00:00.000000', '2025-03-01 10:42:17.123456', 2537.123456, 1, 1, 0, '[]', '[{"type": "test_failure", "message": "1 failing"}]', '[]', 3, 'CP-1-2', 'completed', '[]', '["Login test is flaky"]', 42, 0, 0);

INSERT INTO autonomy_config (id, level, action_levels, confidence_threshold, error_demotion_count, success_promotion_count, auto_adjust, min_level, max_level, updated_at) VALUES
	(1, 3, '{"Bash": 3, "Write": 2}', 0.5, 3, 10, 1, 1, 4, '2025-03-01 10:00:00');

INSERT INTO autonomy_metrics (id, consecutive_successes, consecutive_errors, total_actions, total_errors, recent_outcomes, level_changes, updated_at) VALUES
	(1, 4, 0, 57, 3, '[true, true, false, true, true]', '[{"timestamp": "2025-03-01T10:20:00", "from_level": 3, "to_level": 2, "reason": "3 consecutive errors"}]', '2025-03-01 10:30:00.654321');

INSERT INTO escalation_rules (id, rule_id, name, description, condition_type, condition_params, severity, injection_type, message_template, suggested_actions, auto_pause, timeout_seconds, default_action, is_custom, is_enabled, created_at, updated_at) VALUES
	(1, 'low_confidence', 'Low Confidence', 'Agent confidence dropped below the threshold', 'threshold_below', '{"field": "confidence", "threshold": 0.3}', 3, 'decision', 'Confidence is {confidence}; how should I proceed?', '["Proceed anyway", "Skip feature"]', 0, 300, NULL, 1, 1, '2025-03-01 10:00:00', '2025-03-01 10:00:00'),
	(2, 'custom_budget', 'Budget Exceeded', 'Session cost above budget', 'threshold_above', '{"field": "cost", "threshold": 5.0}', 4, 'approval', 'Cost reached {cost}', '[]', 1, 600, 'stop', 1, 0, '2025-03-01 10:00:00', '2025-03-01 10:15:00.500000');

INSERT INTO escalation_logs (id, timestamp, session_id, rule_id, severity, message, context_summary) VALUES
	(1, '2025-03-01 10:20:00', 1, 'low_confidence', 3, 'Confidence is 0.25; how should I proceed?', '{"confidence": 0.25, "feature": 3}');

INSERT INTO injection_points (id, point_id, timestamp, session_id, point_type, context, options, recommendation, timeout_seconds, default_on_timeout, response, responded_at, responded_by, status, escalation_rule_id, message, severity) VALUES
	(1, 'INJ-1-1', '2025-03-01 10:05:00', 1, 'approval', '{"action": "git push --force"}', '["approve", "reject"]', 'reject', 300, 'reject', NULL, NULL, 'pending', 'pending', NULL, 'Force push requested', 4),
	(2, 'INJ-1-2', '2025-03-01 10:06:00', 1, 'decision', '{"feature": 3}', '["retry", "skip"]', 'retry', 120, NULL, 'skip', '2025-03-01 10:07:30.123456', 'human', 'responded', 'low_confidence', NULL, 3);

INSERT INTO risk_assessments (id, timestamp, session_id, action, tool, input_summary, risk_level, is_reversible, affects_source_of_truth, has_external_side_effects, concerns, requires_approval, requires_checkpoint, requires_review, suggested_mitigation) VALUES
	(1, '2025-03-01 10:05:00.000500', 1, 'Bash: rm -rf build', 'Bash', 'rm -rf build', 4, 0, 0, 0, '["Irreversible deletion", "Recursive"]', 1, 1, 0, 'Create a checkpoint first');

INSERT INTO troubleshooting_entries (id, timestamp, category, tags, error_message, symptoms, cause, solution, steps_to_fix, prevention) VALUES
	(1, '2025-03-01 10:25:00', 'dependency', '["npm", "node"]', 'Cannot find module ''express''', '["server fails to start"]', 'Dependencies not installed', 'Run npm install', '["npm install", "npm start"]', 'Run npm install after cloning');
