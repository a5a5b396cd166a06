PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE IF NOT EXISTS "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);
INSERT INTO _sqlite_migrations VALUES(1,'orgbot','m001_proposals','2026-11-25 20:54:01.292207+00:00');
INSERT INTO _sqlite_migrations VALUES(2,'orgbot','m002_scheduling','2026-11-25 20:54:01.293365+00:00');
INSERT INTO _sqlite_migrations VALUES(3,'orgbot','m003_verify_and_base_version','2026-11-25 20:54:01.294225+00:00');
INSERT INTO _sqlite_migrations VALUES(4,'orgbot','m004_view_submissions','2026-11-25 20:54:01.294555+00:00');
INSERT INTO _sqlite_migrations VALUES(5,'orgbot','m005_workspace_roles','2026-11-25 20:54:01.295121+00:00');
INSERT INTO _sqlite_migrations VALUES(6,'orgbot','m006_health_probe','2026-11-25 20:54:01.295344+00:00');
INSERT INTO _sqlite_migrations VALUES(7,'orgbot','m007_proposal_deliveries','2026-11-25 20:54:01.296139+00:00');
CREATE TABLE IF NOT EXISTS "proposals" (
   "id" INTEGER PRIMARY KEY,
   "team_id" TEXT NOT NULL,
   "number" INTEGER NOT NULL,
   "title" TEXT NOT NULL,
   "rationale" TEXT,
   "structure_text" TEXT,
   "structure" TEXT,
   "version" INTEGER NOT NULL,
   "author_id" TEXT NOT NULL,
   "channel_id" TEXT,
   "message_ts" TEXT,
   "status" TEXT NOT NULL,
   "review_by" TEXT,
   "post_error" TEXT,
   "created_at" TEXT,
   "updated_at" TEXT,
   "closed_at" TEXT
, "base_org_version" INTEGER NOT NULL DEFAULT 0);
INSERT INTO proposals VALUES(1,'T0ORGBOT1',1,'Put operations under a COO','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}]',1,'U0DANA0002','C0ORGDES02','1795500001.000100','approved','2026-12-02',NULL,'2026-11-20T09:00:00+00:00','2026-11-20T12:00:00+00:00','2026-11-20T12:00:00+00:00',0);
INSERT INTO proposals VALUES(2,'T0ORGBOT1',2,'Finance grows','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO\nController reports to CFO\nData Analyst reports to CFO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}, {"title": "Controller", "key": "controller", "role_id": "controller", "headcount": 1, "reports_to": "cfo", "line": 6}, {"title": "Data Analyst", "key": "title:data analyst", "role_id": null, "headcount": 1, "reports_to": "cfo", "line": 7}]',2,'U0DANA0002','C0ORGDES02','1795500002.000100','in_review','2026-12-02',NULL,'2026-11-21T12:00:00+00:00','2026-11-21T12:00:00+00:00',NULL,1);
INSERT INTO proposals VALUES(3,'T0ORGBOT1',3,'Flatten <!here> & co','Because <!channel> & more.',replace('CEO\nCOO reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}]',1,'U0SAM00003','C0ORGDES02','1795500003.000100','rejected','2026-12-02',NULL,'2026-11-21T12:00:00+00:00','2026-11-21T12:00:00+00:00','2026-11-21T12:00:00+00:00',1);
INSERT INTO proposals VALUES(4,'T0ORGBOT1',4,'Withdrawn one','Because <!channel> & more.',replace('CEO\nHead of People reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "Head of People", "key": "hr-director", "role_id": "hr-director", "headcount": 1, "reports_to": "ceo", "line": 2}]',1,'U0KENJI004','C0ORGDES02','1795500004.000100','withdrawn','2026-12-02',NULL,'2026-11-21T12:00:00+00:00','2026-11-21T12:00:00+00:00','2026-11-21T12:00:00+00:00',1);
INSERT INTO proposals VALUES(5,'T0ORGBOT1',5,'国際チーム 🚀','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO\n国際部長 x2 reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}, {"title": "\u56fd\u969b\u90e8\u9577", "key": "title:", "role_id": null, "headcount": 2, "reports_to": "ceo", "line": 6}]',1,'U0DANA0002','C0ORGDES02','1795500005.000100','in_review','2026-12-02',NULL,'2026-11-21T12:00:00+00:00','2026-11-21T12:00:00+00:00',NULL,1);
CREATE TABLE IF NOT EXISTS "proposal_versions" (
   "id" INTEGER PRIMARY KEY,
   "proposal_id" INTEGER NOT NULL REFERENCES "proposals"("id"),
   "version" INTEGER NOT NULL,
   "title" TEXT,
   "rationale" TEXT,
   "structure_text" TEXT,
   "structure" TEXT,
   "review_by" TEXT,
   "reviewers" TEXT,
   "created_by" TEXT,
   "created_at" TEXT
, "base_org_version" INTEGER NOT NULL DEFAULT 0);
INSERT INTO proposal_versions VALUES(1,1,1,'Put operations under a COO','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}]','2026-12-02','["U0ALEX0001", "U0SAM00003"]','U0DANA0002','2026-11-20T09:00:00+00:00',0);
INSERT INTO proposal_versions VALUES(2,2,1,'Finance grows','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO\nController x2 reports to CFO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}, {"title": "Controller", "key": "controller", "role_id": "controller", "headcount": 2, "reports_to": "cfo", "line": 6}]','2026-12-02','["U0ALEX0001", "U0SAM00003"]','U0DANA0002','2026-11-21T12:00:00+00:00',1);
INSERT INTO proposal_versions VALUES(3,2,2,'Finance grows','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO\nController reports to CFO\nData Analyst reports to CFO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}, {"title": "Controller", "key": "controller", "role_id": "controller", "headcount": 1, "reports_to": "cfo", "line": 6}, {"title": "Data Analyst", "key": "title:data analyst", "role_id": null, "headcount": 1, "reports_to": "cfo", "line": 7}]','2026-12-02','["U0ALEX0001", "U0SAM00003"]','U0DANA0002','2026-11-21T12:00:00+00:00',1);
INSERT INTO proposal_versions VALUES(4,3,1,'Flatten <!here> & co','Because <!channel> & more.',replace('CEO\nCOO reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}]','2026-12-02','["U0ALEX0001", "U0SAM00003"]','U0SAM00003','2026-11-21T12:00:00+00:00',1);
INSERT INTO proposal_versions VALUES(5,4,1,'Withdrawn one','Because <!channel> & more.',replace('CEO\nHead of People reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "Head of People", "key": "hr-director", "role_id": "hr-director", "headcount": 1, "reports_to": "ceo", "line": 2}]','2026-12-02','["U0ALEX0001", "U0SAM00003"]','U0KENJI004','2026-11-21T12:00:00+00:00',1);
INSERT INTO proposal_versions VALUES(6,5,1,'国際チーム 🚀','Because <!channel> & more.',replace('CEO\nCOO reports to CEO\nOperations Director reports to COO\nOperations Manager x3 reports to Operations Director\nCFO reports to CEO\n国際部長 x2 reports to CEO','\n',char(10)),'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}, {"title": "\u56fd\u969b\u90e8\u9577", "key": "title:", "role_id": null, "headcount": 2, "reports_to": "ceo", "line": 6}]','2026-12-02','["U0ALEX0001", "U0SAM00003"]','U0DANA0002','2026-11-21T12:00:00+00:00',1);
CREATE TABLE IF NOT EXISTS "proposal_reviewers" (
   "proposal_id" INTEGER REFERENCES "proposals"("id"),
   "user_id" TEXT,
   "position" INTEGER,
   PRIMARY KEY ("proposal_id", "user_id")
);
INSERT INTO proposal_reviewers VALUES(1,'U0ALEX0001',0);
INSERT INTO proposal_reviewers VALUES(1,'U0SAM00003',1);
INSERT INTO proposal_reviewers VALUES(2,'U0ALEX0001',0);
INSERT INTO proposal_reviewers VALUES(2,'U0SAM00003',1);
INSERT INTO proposal_reviewers VALUES(3,'U0ALEX0001',0);
INSERT INTO proposal_reviewers VALUES(3,'U0SAM00003',1);
INSERT INTO proposal_reviewers VALUES(4,'U0ALEX0001',0);
INSERT INTO proposal_reviewers VALUES(4,'U0SAM00003',1);
INSERT INTO proposal_reviewers VALUES(5,'U0ALEX0001',0);
INSERT INTO proposal_reviewers VALUES(5,'U0SAM00003',1);
CREATE TABLE IF NOT EXISTS "decisions" (
   "id" INTEGER PRIMARY KEY,
   "proposal_id" INTEGER NOT NULL REFERENCES "proposals"("id"),
   "version" INTEGER NOT NULL,
   "reviewer_id" TEXT NOT NULL,
   "decision" TEXT NOT NULL,
   "comment" TEXT,
   "decided_at" TEXT
);
INSERT INTO decisions VALUES(1,1,1,'U0ALEX0001','approved','','2026-11-20T11:00:00+00:00');
INSERT INTO decisions VALUES(2,1,1,'U0SAM00003','approved','','2026-11-20T12:00:00+00:00');
INSERT INTO decisions VALUES(3,2,1,'U0ALEX0001','changes_requested','Two is too many','2026-11-21T12:00:00+00:00');
INSERT INTO decisions VALUES(4,3,1,'U0ALEX0001','rejected','No','2026-11-21T12:00:00+00:00');
CREATE TABLE IF NOT EXISTS "proposal_events" (
   "id" INTEGER PRIMARY KEY,
   "team_id" TEXT NOT NULL,
   "proposal_id" INTEGER NOT NULL REFERENCES "proposals"("id"),
   "version" INTEGER,
   "kind" TEXT NOT NULL,
   "actor_id" TEXT,
   "comment" TEXT,
   "detail" TEXT,
   "at" TEXT NOT NULL
);
INSERT INTO proposal_events VALUES(1,'T0ORGBOT1',1,1,'created','U0DANA0002','','{"reviewers": ["U0ALEX0001", "U0SAM00003"], "channel": "C0ORGDES02"}','2026-11-20T09:00:00+00:00');
INSERT INTO proposal_events VALUES(2,'T0ORGBOT1',1,1,'posted',NULL,'','{"channel": "C0ORGDES02", "ts": "1795500001.000100"}','2026-11-20T09:00:00+00:00');
INSERT INTO proposal_events VALUES(3,'T0ORGBOT1',1,1,'commented','U0KENJI004','Looks good <@U0PRIYA005>','{}','2026-11-20T11:00:00+00:00');
INSERT INTO proposal_events VALUES(4,'T0ORGBOT1',1,1,'approved','U0ALEX0001','','{}','2026-11-20T11:00:00+00:00');
INSERT INTO proposal_events VALUES(5,'T0ORGBOT1',1,1,'approved','U0SAM00003','','{}','2026-11-20T12:00:00+00:00');
INSERT INTO proposal_events VALUES(6,'T0ORGBOT1',1,1,'status_changed',NULL,'','{"from": "in_review", "to": "approved"}','2026-11-20T12:00:00+00:00');
INSERT INTO proposal_events VALUES(7,'T0ORGBOT1',2,1,'created','U0DANA0002','','{"reviewers": ["U0ALEX0001", "U0SAM00003"], "channel": "C0ORGDES02"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(8,'T0ORGBOT1',2,1,'posted',NULL,'','{"channel": "C0ORGDES02", "ts": "1795500002.000100"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(9,'T0ORGBOT1',2,1,'changes_requested','U0ALEX0001','Two is too many','{}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(10,'T0ORGBOT1',2,1,'status_changed',NULL,'','{"from": "in_review", "to": "changes_requested"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(11,'T0ORGBOT1',2,2,'edited','U0DANA0002','','{"reviewers": ["U0ALEX0001", "U0SAM00003"], "previous_status": "changes_requested"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(12,'T0ORGBOT1',3,1,'created','U0SAM00003','','{"reviewers": ["U0ALEX0001", "U0SAM00003"], "channel": "C0ORGDES02"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(13,'T0ORGBOT1',3,1,'posted',NULL,'','{"channel": "C0ORGDES02", "ts": "1795500003.000100"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(14,'T0ORGBOT1',3,1,'rejected','U0ALEX0001','No','{}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(15,'T0ORGBOT1',3,1,'status_changed',NULL,'','{"from": "in_review", "to": "rejected"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(16,'T0ORGBOT1',4,1,'created','U0KENJI004','','{"reviewers": ["U0ALEX0001", "U0SAM00003"], "channel": "C0ORGDES02"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(17,'T0ORGBOT1',4,1,'posted',NULL,'','{"channel": "C0ORGDES02", "ts": "1795500004.000100"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(18,'T0ORGBOT1',4,1,'withdrawn','U0KENJI004','','{}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(19,'T0ORGBOT1',5,1,'created','U0DANA0002','','{"reviewers": ["U0ALEX0001", "U0SAM00003"], "channel": "C0ORGDES02"}','2026-11-21T12:00:00+00:00');
INSERT INTO proposal_events VALUES(20,'T0ORGBOT1',5,1,'posted',NULL,'','{"channel": "C0ORGDES02", "ts": "1795500005.000100"}','2026-11-21T12:00:00+00:00');
CREATE TABLE IF NOT EXISTS "org_versions" (
   "id" INTEGER PRIMARY KEY,
   "team_id" TEXT NOT NULL,
   "version" INTEGER NOT NULL,
   "proposal_id" INTEGER REFERENCES "proposals"("id"),
   "structure" TEXT NOT NULL,
   "approved_at" TEXT
);
INSERT INTO org_versions VALUES(1,'T0ORGBOT1',1,1,'[{"title": "CEO", "key": "ceo", "role_id": "ceo", "headcount": 1, "reports_to": null, "line": 1}, {"title": "COO", "key": "coo", "role_id": "coo", "headcount": 1, "reports_to": "ceo", "line": 2}, {"title": "Operations Director", "key": "operations-director", "role_id": "operations-director", "headcount": 1, "reports_to": "coo", "line": 3}, {"title": "Operations Manager", "key": "operations-manager", "role_id": "operations-manager", "headcount": 3, "reports_to": "operations-director", "line": 4}, {"title": "CFO", "key": "cfo", "role_id": "cfo", "headcount": 1, "reports_to": "ceo", "line": 5}]','2026-11-20T12:00:00+00:00');
CREATE TABLE IF NOT EXISTS "settings" (
   "team_id" TEXT PRIMARY KEY,
   "digest_channel" TEXT,
   "digest_cadence" TEXT,
   "digest_weekday" INTEGER,
   "digest_time" TEXT,
   "timezone" TEXT,
   "reminder_interval_days" INTEGER,
   "quiet_days" TEXT,
   "updated_by" TEXT,
   "updated_at" TEXT
);
CREATE TABLE IF NOT EXISTS "people" (
   "team_id" TEXT,
   "user_id" TEXT,
   "name" TEXT,
   "tz" TEXT,
   "is_admin" INTEGER,
   "fetched_at" TEXT,
   PRIMARY KEY ("team_id", "user_id")
);
CREATE TABLE IF NOT EXISTS "deliveries" (
   "key" TEXT PRIMARY KEY,
   "team_id" TEXT NOT NULL,
   "kind" TEXT NOT NULL,
   "target" TEXT NOT NULL,
   "proposal_id" INTEGER,
   "status" TEXT NOT NULL,
   "attempts" INTEGER,
   "last_error" TEXT,
   "next_attempt_at" TEXT,
   "claimed_at" TEXT,
   "claimed_by" TEXT,
   "channel_id" TEXT,
   "ts" TEXT,
   "sent_at" TEXT,
   "created_at" TEXT
, "verify" INTEGER NOT NULL DEFAULT 0, "message" TEXT, "redo" INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS "snoozes" (
   "proposal_id" INTEGER REFERENCES "proposals"("id"),
   "reviewer_id" TEXT,
   "until" TEXT,
   PRIMARY KEY ("proposal_id", "reviewer_id")
);
CREATE TABLE IF NOT EXISTS "view_submissions" (
   "view_id" TEXT PRIMARY KEY,
   "view_hash" TEXT,
   "callback_id" TEXT,
   "team_id" TEXT,
   "user_id" TEXT,
   "result" TEXT,
   "submitted_at" TEXT
);
CREATE TABLE IF NOT EXISTS "workspace_roles" (
   "team_id" TEXT NOT NULL,
   "role_id" TEXT NOT NULL,
   "data" TEXT NOT NULL,
   "updated_by" TEXT NOT NULL,
   "updated_at" TEXT NOT NULL,
   "via" TEXT,
   PRIMARY KEY ("team_id", "role_id")
);
CREATE TABLE IF NOT EXISTS "workspace_role_changes" (
   "id" INTEGER PRIMARY KEY,
   "team_id" TEXT NOT NULL,
   "role_id" TEXT NOT NULL,
   "action" TEXT NOT NULL,
   "data" TEXT,
   "changed_by" TEXT NOT NULL,
   "changed_at" TEXT NOT NULL,
   "via" TEXT
);
CREATE TABLE IF NOT EXISTS "health_probe" (
   "id" INTEGER PRIMARY KEY,
   "checked_at" TEXT
);
CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");
CREATE UNIQUE INDEX "idx_proposals_team_id_number"
    ON "proposals" ("team_id", "number");
CREATE INDEX "idx_proposals_team_id_status"
    ON "proposals" ("team_id", "status");
CREATE UNIQUE INDEX "idx_proposal_versions_proposal_id_version"
    ON "proposal_versions" ("proposal_id", "version");
CREATE UNIQUE INDEX "idx_decisions_proposal_id_version_reviewer_id"
    ON "decisions" ("proposal_id", "version", "reviewer_id");
CREATE INDEX "idx_proposal_events_proposal_id_id"
    ON "proposal_events" ("proposal_id", "id");
CREATE INDEX "idx_proposal_events_team_id_at"
    ON "proposal_events" ("team_id", "at");
CREATE TRIGGER proposal_events_no_update BEFORE UPDATE ON proposal_events
        BEGIN SELECT RAISE(ABORT, 'proposal_events is append-only'); END;
CREATE TRIGGER proposal_events_no_delete BEFORE DELETE ON proposal_events
        BEGIN SELECT RAISE(ABORT, 'proposal_events is append-only'); END;
CREATE UNIQUE INDEX "idx_org_versions_team_id_version"
    ON "org_versions" ("team_id", "version");
CREATE INDEX "idx_deliveries_status_next_attempt_at"
    ON "deliveries" ("status", "next_attempt_at");
CREATE INDEX "idx_deliveries_team_id_kind_target"
    ON "deliveries" ("team_id", "kind", "target");
CREATE INDEX "idx_workspace_role_changes_team_id_id"
    ON "workspace_role_changes" ("team_id", "id");
COMMIT;
