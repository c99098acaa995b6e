-- ArcadiaForge project.db schema (.arcadia/project.db) as created by its SQLAlchemy
-- models (Base.metadata.create_all on SQLite). Test fixture: ArcadiaForge's own types,
-- including its float-annotated INTEGER columns, plus tables Arcadia does not model.

CREATE TABLE sessions (
	id INTEGER NOT NULL, 
	session_uuid VARCHAR(36) NOT NULL, 
	start_time DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	end_time DATETIME, 
	status VARCHAR(20) NOT NULL, 
	total_cost INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE features (
	id INTEGER NOT NULL, 
	"index" INTEGER NOT NULL, 
	category VARCHAR(50) NOT NULL, 
	description TEXT NOT NULL, 
	steps JSON NOT NULL, 
	passes BOOLEAN NOT NULL, 
	verification_skipped BOOLEAN NOT NULL, 
	verified_at DATETIME, 
	audit_status VARCHAR(20), 
	audit_notes JSON NOT NULL, 
	audit_reviewer VARCHAR(50), 
	audit_time DATETIME, 
	priority INTEGER NOT NULL, 
	failure_count INTEGER NOT NULL, 
	last_worked VARCHAR(50), 
	blocked_by JSON NOT NULL, 
	blocks JSON NOT NULL, 
	feature_metadata JSON NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE ("index")
);

CREATE TABLE checkpoints (
	id INTEGER NOT NULL, 
	checkpoint_id VARCHAR(50) NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	"trigger" VARCHAR(50) NOT NULL, 
	session_id INTEGER NOT NULL, 
	git_commit VARCHAR(100) NOT NULL, 
	git_branch VARCHAR(100) NOT NULL, 
	git_clean BOOLEAN NOT NULL, 
	feature_status JSON NOT NULL, 
	features_passing INTEGER NOT NULL, 
	features_total INTEGER NOT NULL, 
	files_hash VARCHAR(100) NOT NULL, 
	last_successful_feature INTEGER, 
	pending_work JSON NOT NULL, 
	checkpoint_metadata JSON NOT NULL, 
	human_note TEXT, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_checkpoints_checkpoint_id ON checkpoints (checkpoint_id);

CREATE TABLE decisions (
	id INTEGER NOT NULL, 
	decision_id VARCHAR(50) NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	session_id INTEGER NOT NULL, 
	decision_type VARCHAR(50) NOT NULL, 
	context TEXT NOT NULL, 
	choice TEXT NOT NULL, 
	alternatives JSON NOT NULL, 
	rationale TEXT NOT NULL, 
	confidence INTEGER NOT NULL, 
	inputs_consulted JSON NOT NULL, 
	outcome TEXT, 
	outcome_success BOOLEAN, 
	outcome_timestamp DATETIME, 
	related_features JSON NOT NULL, 
	git_commit VARCHAR(100), 
	checkpoint_id VARCHAR(50), 
	decision_metadata JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_decisions_decision_id ON decisions (decision_id);

CREATE INDEX ix_decisions_session_id ON decisions (session_id);

CREATE TABLE hypotheses (
	id INTEGER NOT NULL, 
	hypothesis_id VARCHAR(50) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_session INTEGER NOT NULL, 
	hypothesis_type VARCHAR(50) NOT NULL, 
	observation TEXT NOT NULL, 
	hypothesis TEXT NOT NULL, 
	confidence INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	context_keywords JSON NOT NULL, 
	related_features JSON NOT NULL, 
	related_errors JSON NOT NULL, 
	related_files JSON NOT NULL, 
	evidence_for JSON NOT NULL, 
	evidence_against JSON NOT NULL, 
	resolved_at DATETIME, 
	resolved_session INTEGER, 
	resolution TEXT, 
	superseded_by VARCHAR(50), 
	last_reviewed DATETIME, 
	review_count INTEGER NOT NULL, 
	sessions_seen JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_hypotheses_created_session ON hypotheses (created_session);

CREATE UNIQUE INDEX ix_hypotheses_hypothesis_id ON hypotheses (hypothesis_id);

CREATE TABLE hot_memory (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	started_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	current_feature INTEGER, 
	current_task TEXT NOT NULL, 
	recent_actions JSON NOT NULL, 
	recent_files JSON NOT NULL, 
	focus_keywords JSON NOT NULL, 
	active_errors JSON NOT NULL, 
	pending_decisions JSON NOT NULL, 
	current_hypotheses JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_hot_memory_session_id ON hot_memory (session_id);

CREATE TABLE warm_memory (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME NOT NULL, 
	duration_seconds INTEGER NOT NULL, 
	features_started INTEGER NOT NULL, 
	features_completed INTEGER NOT NULL, 
	features_regressed INTEGER NOT NULL, 
	key_decisions JSON NOT NULL, 
	errors_encountered JSON NOT NULL, 
	errors_resolved JSON NOT NULL, 
	last_feature_worked INTEGER, 
	last_checkpoint_id VARCHAR(50), 
	ending_state VARCHAR(20) NOT NULL, 
	patterns_discovered JSON NOT NULL, 
	warnings_for_next JSON NOT NULL, 
	tool_calls INTEGER NOT NULL, 
	escalations INTEGER NOT NULL, 
	human_interventions INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_warm_memory_session_id ON warm_memory (session_id);

CREATE TABLE warm_memory_issues (
	id INTEGER NOT NULL, 
	issue_id VARCHAR(50) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_session INTEGER NOT NULL, 
	issue_type VARCHAR(50) NOT NULL, 
	description TEXT NOT NULL, 
	priority INTEGER NOT NULL, 
	related_features JSON NOT NULL, 
	related_files JSON NOT NULL, 
	context JSON NOT NULL, 
	attempted_solutions JSON NOT NULL, 
	last_seen_session INTEGER NOT NULL, 
	times_encountered INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_warm_memory_issues_issue_id ON warm_memory_issues (issue_id);

CREATE TABLE warm_memory_patterns (
	id INTEGER NOT NULL, 
	pattern_id VARCHAR(50) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_session INTEGER NOT NULL, 
	pattern_type VARCHAR(50) NOT NULL, 
	pattern TEXT NOT NULL, 
	context TEXT NOT NULL, 
	success_count INTEGER NOT NULL, 
	confidence INTEGER NOT NULL, 
	context_keywords JSON NOT NULL, 
	source_sessions JSON NOT NULL, 
	last_used_session INTEGER, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_warm_memory_patterns_pattern_id ON warm_memory_patterns (pattern_id);

CREATE TABLE cold_memory (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	started_at DATETIME NOT NULL, 
	ended_at DATETIME NOT NULL, 
	ending_state VARCHAR(20) NOT NULL, 
	features_completed INTEGER NOT NULL, 
	features_regressed INTEGER NOT NULL, 
	errors_count INTEGER NOT NULL, 
	duration_seconds INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_cold_memory_session_id ON cold_memory (session_id);

CREATE TABLE cold_memory_knowledge (
	id INTEGER NOT NULL, 
	knowledge_id VARCHAR(50) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	knowledge_type VARCHAR(50) NOT NULL, 
	title VARCHAR(255) NOT NULL, 
	description TEXT NOT NULL, 
	context_keywords JSON NOT NULL, 
	source_sessions JSON NOT NULL, 
	times_verified INTEGER NOT NULL, 
	confidence INTEGER NOT NULL, 
	last_used DATETIME, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_cold_memory_knowledge_knowledge_id ON cold_memory_knowledge (knowledge_id);

CREATE TABLE progress_entries (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	accomplished JSON NOT NULL, 
	tests_completed JSON NOT NULL, 
	tests_status VARCHAR(50) NOT NULL, 
	issues_found JSON NOT NULL, 
	issues_fixed JSON NOT NULL, 
	next_steps JSON NOT NULL, 
	notes TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_progress_entries_session_id ON progress_entries (session_id);

CREATE TABLE autonomy_config (
	id INTEGER NOT NULL, 
	level INTEGER NOT NULL, 
	action_levels JSON NOT NULL, 
	confidence_threshold FLOAT NOT NULL, 
	error_demotion_count INTEGER NOT NULL, 
	success_promotion_count INTEGER NOT NULL, 
	auto_adjust BOOLEAN NOT NULL, 
	min_level INTEGER NOT NULL, 
	max_level INTEGER NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE autonomy_metrics (
	id INTEGER NOT NULL, 
	consecutive_successes INTEGER NOT NULL, 
	consecutive_errors INTEGER NOT NULL, 
	total_actions INTEGER NOT NULL, 
	total_errors INTEGER NOT NULL, 
	recent_outcomes JSON NOT NULL, 
	level_changes JSON NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id)
);

CREATE TABLE autonomy_decisions (
	id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	session_id INTEGER NOT NULL, 
	action VARCHAR(255) NOT NULL, 
	tool VARCHAR(50) NOT NULL, 
	allowed BOOLEAN NOT NULL, 
	required_level INTEGER NOT NULL, 
	current_level INTEGER NOT NULL, 
	effective_level INTEGER NOT NULL, 
	reason TEXT NOT NULL, 
	alternatives JSON NOT NULL, 
	requires_approval BOOLEAN NOT NULL, 
	requires_checkpoint BOOLEAN NOT NULL, 
	confidence FLOAT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_autonomy_decisions_session_id ON autonomy_decisions (session_id);

CREATE INDEX ix_autonomy_decisions_tool ON autonomy_decisions (tool);

CREATE INDEX ix_autonomy_decisions_timestamp ON autonomy_decisions (timestamp);

CREATE INDEX ix_autonomy_decisions_allowed ON autonomy_decisions (allowed);

CREATE TABLE escalation_rules (
	id INTEGER NOT NULL, 
	rule_id VARCHAR(50) NOT NULL, 
	name VARCHAR(100) NOT NULL, 
	description TEXT NOT NULL, 
	condition_type VARCHAR(50) NOT NULL, 
	condition_params JSON NOT NULL, 
	severity INTEGER NOT NULL, 
	injection_type VARCHAR(50) NOT NULL, 
	message_template TEXT NOT NULL, 
	suggested_actions JSON NOT NULL, 
	auto_pause BOOLEAN NOT NULL, 
	timeout_seconds INTEGER NOT NULL, 
	default_action VARCHAR(100), 
	is_custom BOOLEAN NOT NULL, 
	is_enabled BOOLEAN NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_escalation_rules_rule_id ON escalation_rules (rule_id);

CREATE TABLE escalation_logs (
	id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	session_id INTEGER NOT NULL, 
	rule_id VARCHAR(50) NOT NULL, 
	severity INTEGER NOT NULL, 
	message TEXT NOT NULL, 
	context_summary JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_escalation_logs_rule_id ON escalation_logs (rule_id);

CREATE INDEX ix_escalation_logs_timestamp ON escalation_logs (timestamp);

CREATE INDEX ix_escalation_logs_session_id ON escalation_logs (session_id);

CREATE TABLE risk_patterns (
	id INTEGER NOT NULL, 
	pattern_id VARCHAR(50) NOT NULL, 
	description TEXT NOT NULL, 
	tool VARCHAR(50), 
	input_pattern VARCHAR(255), 
	input_field VARCHAR(50), 
	risk_level INTEGER NOT NULL, 
	is_reversible BOOLEAN NOT NULL, 
	affects_source_of_truth BOOLEAN NOT NULL, 
	has_external_side_effects BOOLEAN NOT NULL, 
	requires_approval BOOLEAN NOT NULL, 
	requires_checkpoint BOOLEAN NOT NULL, 
	mitigation TEXT, 
	is_custom BOOLEAN NOT NULL, 
	is_enabled BOOLEAN NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_risk_patterns_pattern_id ON risk_patterns (pattern_id);

CREATE TABLE risk_assessments (
	id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	session_id INTEGER NOT NULL, 
	action VARCHAR(255) NOT NULL, 
	tool VARCHAR(50) NOT NULL, 
	input_summary TEXT NOT NULL, 
	risk_level INTEGER NOT NULL, 
	is_reversible BOOLEAN NOT NULL, 
	affects_source_of_truth BOOLEAN NOT NULL, 
	has_external_side_effects BOOLEAN NOT NULL, 
	concerns JSON NOT NULL, 
	requires_approval BOOLEAN NOT NULL, 
	requires_checkpoint BOOLEAN NOT NULL, 
	requires_review BOOLEAN NOT NULL, 
	suggested_mitigation TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_risk_assessments_risk_level ON risk_assessments (risk_level);

CREATE INDEX ix_risk_assessments_session_id ON risk_assessments (session_id);

CREATE INDEX ix_risk_assessments_timestamp ON risk_assessments (timestamp);

CREATE INDEX ix_risk_assessments_tool ON risk_assessments (tool);

CREATE TABLE failure_reports (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	generated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	failure_type VARCHAR(50) NOT NULL, 
	severity INTEGER NOT NULL, 
	last_successful_action TEXT NOT NULL, 
	failing_action TEXT NOT NULL, 
	error_messages JSON NOT NULL, 
	likely_cause TEXT NOT NULL, 
	confidence FLOAT NOT NULL, 
	patterns_detected JSON NOT NULL, 
	similar_past_failures JSON NOT NULL, 
	suggested_fixes JSON NOT NULL, 
	failure_timeline JSON NOT NULL, 
	error_count INTEGER NOT NULL, 
	tool_failures INTEGER NOT NULL, 
	blocked_actions INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_failure_reports_session_id ON failure_reports (session_id);

CREATE INDEX ix_failure_reports_failure_type ON failure_reports (failure_type);

CREATE TABLE injection_points (
	id INTEGER NOT NULL, 
	point_id VARCHAR(50) NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	session_id INTEGER NOT NULL, 
	point_type VARCHAR(50) NOT NULL, 
	context JSON NOT NULL, 
	options JSON NOT NULL, 
	recommendation TEXT NOT NULL, 
	timeout_seconds INTEGER NOT NULL, 
	default_on_timeout TEXT, 
	response TEXT, 
	responded_at DATETIME, 
	responded_by VARCHAR(50) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	escalation_rule_id VARCHAR(50), 
	message TEXT, 
	severity INTEGER NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_injection_points_point_id ON injection_points (point_id);

CREATE INDEX ix_injection_points_status ON injection_points (status);

CREATE INDEX ix_injection_points_session_id ON injection_points (session_id);

CREATE TABLE interventions (
	id INTEGER NOT NULL, 
	intervention_id VARCHAR(50) NOT NULL, 
	session_id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	intervention_type VARCHAR(50) NOT NULL, 
	context_signature JSON NOT NULL, 
	context_details JSON NOT NULL, 
	original_action TEXT, 
	original_rationale TEXT, 
	human_action TEXT NOT NULL, 
	human_rationale TEXT, 
	outcome_tracked BOOLEAN NOT NULL, 
	outcome_success BOOLEAN, 
	outcome_notes TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_interventions_session_id ON interventions (session_id);

CREATE UNIQUE INDEX ix_interventions_intervention_id ON interventions (intervention_id);

CREATE TABLE intervention_patterns (
	id INTEGER NOT NULL, 
	pattern_id VARCHAR(50) NOT NULL, 
	context_signature JSON NOT NULL, 
	times_matched INTEGER NOT NULL, 
	times_applied INTEGER NOT NULL, 
	success_count INTEGER NOT NULL, 
	failure_count INTEGER NOT NULL, 
	recommended_action TEXT NOT NULL, 
	rationale TEXT NOT NULL, 
	auto_apply BOOLEAN NOT NULL, 
	confidence FLOAT NOT NULL, 
	min_confidence_for_auto FLOAT NOT NULL, 
	source_intervention_ids JSON NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	last_matched DATETIME, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_intervention_patterns_pattern_id ON intervention_patterns (pattern_id);

CREATE TABLE troubleshooting_entries (
	id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	category VARCHAR(50) NOT NULL, 
	tags JSON NOT NULL, 
	error_message TEXT NOT NULL, 
	symptoms JSON NOT NULL, 
	cause TEXT NOT NULL, 
	solution TEXT NOT NULL, 
	steps_to_fix JSON NOT NULL, 
	prevention TEXT NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_troubleshooting_entries_category ON troubleshooting_entries (category);

CREATE TABLE agent_messages (
	id INTEGER NOT NULL, 
	message_id VARCHAR(50) NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	created_by_session INTEGER NOT NULL, 
	message_type VARCHAR(20) NOT NULL, 
	priority INTEGER NOT NULL, 
	subject VARCHAR(255) NOT NULL, 
	body TEXT NOT NULL, 
	related_features JSON NOT NULL, 
	tags JSON NOT NULL, 
	read_by_sessions JSON NOT NULL, 
	acknowledged BOOLEAN NOT NULL, 
	acknowledged_by_session INTEGER, 
	acknowledged_at DATETIME, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_agent_messages_created_by_session ON agent_messages (created_by_session);

CREATE UNIQUE INDEX ix_agent_messages_message_id ON agent_messages (message_id);

CREATE INDEX ix_agent_messages_message_type ON agent_messages (message_type);

CREATE TABLE system_capabilities (
	id INTEGER NOT NULL, 
	capability_name VARCHAR(50) NOT NULL, 
	is_available BOOLEAN NOT NULL, 
	version VARCHAR(100), 
	path VARCHAR(500), 
	checked_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	error_message TEXT, 
	details JSON NOT NULL, 
	PRIMARY KEY (id)
);

CREATE UNIQUE INDEX ix_system_capabilities_capability_name ON system_capabilities (capability_name);

CREATE TABLE stall_records (
	id INTEGER NOT NULL, 
	detected_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	session_id INTEGER NOT NULL, 
	stall_type VARCHAR(30) NOT NULL, 
	consecutive_sessions INTEGER NOT NULL, 
	last_passing_count INTEGER NOT NULL, 
	last_git_hash VARCHAR(40), 
	blocked_on TEXT, 
	blocked_features JSON NOT NULL, 
	missing_capability VARCHAR(50), 
	escalated BOOLEAN NOT NULL, 
	escalated_at DATETIME, 
	resolved BOOLEAN NOT NULL, 
	resolved_at DATETIME, 
	resolution TEXT, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_stall_records_stall_type ON stall_records (stall_type);

CREATE INDEX ix_stall_records_session_id ON stall_records (session_id);

CREATE TABLE events (
	id INTEGER NOT NULL, 
	session_id INTEGER NOT NULL, 
	timestamp DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	type VARCHAR(50) NOT NULL, 
	source VARCHAR(50) NOT NULL, 
	payload JSON NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id)
);

CREATE TABLE artifacts (
	id VARCHAR(36) NOT NULL, 
	session_id INTEGER, 
	feature_index INTEGER, 
	type VARCHAR(50) NOT NULL, 
	path VARCHAR(255) NOT NULL, 
	description TEXT, 
	metadata_json JSON NOT NULL, 
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(session_id) REFERENCES sessions (id), 
	FOREIGN KEY(feature_index) REFERENCES features ("index")
);
