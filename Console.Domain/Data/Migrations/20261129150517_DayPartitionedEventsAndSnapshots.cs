using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    public partial class DayPartitionedEventsAndSnapshots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Checkout events and lock snapshots become tables partitioned by UTC day, so that retention drops whole days
            // (decisions/0035). The unique keys gain the partition key, as PostgreSQL requires. Existing rows are moved in one
            // transaction (the migration's). Day partitions are made by two SECURITY DEFINER functions of the owner, so that the
            // runtime role, which owns nothing (decisions/0008), can keep days ahead and drop expired ones without any DDL right of
            // its own; they refuse any table but these two.
            migrationBuilder.Sql(Functions);
            migrationBuilder.Sql(Events);
            migrationBuilder.Sql(Snapshots);
        }

        private const string Functions = """
            CREATE FUNCTION ops_day_partitions_ensure(parent regclass, first_day date, last_day date) RETURNS integer
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC' SET lock_timeout = '5s' AS $fn$
            DECLARE
              table_name text;
              key_column text;
              default_name text;
              day date;
              part text;
              lo timestamptz;
              hi timestamptz;
              waiting boolean;
              created integer := 0;
            BEGIN
              table_name := CASE parent WHEN 'checkout_events'::regclass THEN 'checkout_events' WHEN 'lock_snapshots'::regclass THEN 'lock_snapshots' END;
              IF table_name IS NULL THEN
                RAISE EXCEPTION '% is not partitioned by day', parent;
              END IF;
              IF last_day - first_day > 400 THEN
                RAISE EXCEPTION 'at most 400 days at once (asked % to %)', first_day, last_day;
              END IF;
              key_column := CASE table_name WHEN 'checkout_events' THEN 'OccurredAt' ELSE 'At' END;
              default_name := table_name || '_default';
              FOR day IN SELECT d::date FROM generate_series(first_day::timestamp, last_day::timestamp, interval '1 day') d LOOP
                part := table_name || '_' || to_char(day, 'YYYYMMDD');
                CONTINUE WHEN to_regclass(part) IS NOT NULL;
                lo := day::timestamp AT TIME ZONE 'UTC';
                hi := (day + 1)::timestamp AT TIME ZONE 'UTC';
                -- Rows of that day that came before its partition wait in DEFAULT: they move in with it.
                EXECUTE format('SELECT EXISTS (SELECT FROM %I WHERE %I >= %L AND %I < %L)', default_name, key_column, lo, key_column, hi) INTO waiting;
                IF waiting THEN
                  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', part, table_name);
                  EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= %L AND %I < %L RETURNING *) INSERT INTO %I SELECT * FROM moved',
                    default_name, key_column, lo, key_column, hi, part);
                  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', table_name, part, lo, hi);
                ELSE
                  EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)', part, table_name, lo, hi);
                END IF;
                created := created + 1;
              END LOOP;
              RETURN created;
            END $fn$;

            -- Drops the day partitions that end at or before the cutoff, and deletes the rows of DEFAULT older than it (few: an
            -- event lands there only when its day had no partition). Row counts of dropped days are the planner's estimate:
            -- counting them would read the whole day, the very cost dropping avoids.
            CREATE FUNCTION ops_day_partitions_prune(parent regclass, cutoff timestamptz)
              RETURNS TABLE (partition_name text, day_rows bigint, bytes bigint, dropped boolean)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC' SET lock_timeout = '2s' AS $fn$
            DECLARE
              table_name text;
              key_column text;
              r record;
              upper_bound timestamptz;
            BEGIN
              table_name := CASE parent WHEN 'checkout_events'::regclass THEN 'checkout_events' WHEN 'lock_snapshots'::regclass THEN 'lock_snapshots' END;
              IF table_name IS NULL THEN
                RAISE EXCEPTION '% is not partitioned by day', parent;
              END IF;
              key_column := CASE table_name WHEN 'checkout_events' THEN 'OccurredAt' ELSE 'At' END;
              FOR r IN
                SELECT c.oid, c.relname, c.reltuples, pg_get_expr(c.relpartbound, c.oid) AS bound
                FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = parent ORDER BY c.relname
              LOOP
                CONTINUE WHEN r.bound = 'DEFAULT';
                upper_bound := substring(r.bound FROM 'TO \(''([^'']+)''\)')::timestamptz;
                CONTINUE WHEN upper_bound IS NULL OR upper_bound > cutoff;
                partition_name := r.relname;
                day_rows := greatest(r.reltuples, 0)::bigint;
                bytes := pg_total_relation_size(r.oid);
                dropped := true;
                EXECUTE format('DROP TABLE %I', r.relname);
                RETURN NEXT;
              END LOOP;
              partition_name := table_name || '_default';
              EXECUTE format('WITH gone AS (DELETE FROM %I WHERE %I < %L RETURNING 1) SELECT count(*) FROM gone', partition_name, key_column, cutoff)
                INTO day_rows;
              IF day_rows > 0 THEN
                bytes := NULL;
                dropped := false;
                RETURN NEXT;
              END IF;
            END $fn$;

            REVOKE ALL ON FUNCTION ops_day_partitions_ensure(regclass, date, date) FROM PUBLIC;
            REVOKE ALL ON FUNCTION ops_day_partitions_prune(regclass, timestamptz) FROM PUBLIC;
            """;

        // The days of the rows to move (at most 62 back; older ones wait in DEFAULT for pruning) and a week ahead get partitions
        // before the rows move, so that each row lands in its day at once.
        private const string Events = """
            ALTER TABLE checkout_events RENAME TO checkout_events_unpartitioned;
            ALTER TABLE checkout_events_unpartitioned DROP CONSTRAINT "PK_checkout_events";
            DROP INDEX "IX_checkout_events_Service_OccurredAt";
            DROP INDEX "IX_checkout_events_lock_timeouts";

            CREATE TABLE checkout_events (
                "EventId" character varying(200) COLLATE "C" NOT NULL,
                "OccurredAt" timestamp with time zone NOT NULL,
                "Outcome" character varying(10) NOT NULL,
                "ErrorClass" character varying(40),
                "ErrorCode" character varying(100),
                "LatencyMs" double precision NOT NULL,
                "Amount" numeric,
                "Currency" character varying(3),
                "Region" character varying(100),
                "Service" character varying(100) NOT NULL,
                "Target" character varying(100),
                "ReceivedAt" timestamp with time zone NOT NULL,
                CONSTRAINT "PK_checkout_events" PRIMARY KEY ("EventId", "OccurredAt")
            ) PARTITION BY RANGE ("OccurredAt");
            CREATE INDEX "IX_checkout_events_Service_OccurredAt" ON checkout_events ("Service", "OccurredAt");
            CREATE INDEX "IX_checkout_events_lock_timeouts" ON checkout_events ("Target", "OccurredAt") WHERE "ErrorClass" = 'db_lock_timeout';
            CREATE TABLE checkout_events_default PARTITION OF checkout_events DEFAULT;

            SELECT ops_day_partitions_ensure('checkout_events',
                greatest(least((SELECT min("OccurredAt") FROM checkout_events_unpartitioned) AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')::date,
                    (now() AT TIME ZONE 'UTC')::date - 62),
                (now() AT TIME ZONE 'UTC')::date + 7);
            INSERT INTO checkout_events SELECT "EventId", "OccurredAt", "Outcome", "ErrorClass", "ErrorCode", "LatencyMs", "Amount", "Currency",
                "Region", "Service", "Target", "ReceivedAt" FROM checkout_events_unpartitioned;
            DROP TABLE checkout_events_unpartitioned;
            """;

        private const string Snapshots = """
            ALTER TABLE lock_snapshots RENAME TO lock_snapshots_unpartitioned;
            ALTER TABLE lock_snapshots_unpartitioned DROP CONSTRAINT "PK_lock_snapshots";
            DROP INDEX "IX_lock_snapshots_At";
            DROP INDEX "IX_lock_snapshots_TargetId_At";

            CREATE TABLE lock_snapshots (
                "Id" bigint GENERATED ALWAYS AS IDENTITY,
                "TargetId" uuid NOT NULL,
                "At" timestamp with time zone NOT NULL,
                "Waiting" integer NOT NULL,
                "LongestWaitMs" double precision NOT NULL,
                "Deadlocks" bigint NOT NULL,
                "Graph" jsonb NOT NULL,
                CONSTRAINT "PK_lock_snapshots" PRIMARY KEY ("Id", "At"),
                CONSTRAINT "FK_lock_snapshots_targets_TargetId" FOREIGN KEY ("TargetId") REFERENCES targets ("Id") ON DELETE CASCADE
            ) PARTITION BY RANGE ("At");
            CREATE INDEX "IX_lock_snapshots_At" ON lock_snapshots ("At");
            CREATE INDEX "IX_lock_snapshots_TargetId_At" ON lock_snapshots ("TargetId", "At");
            CREATE TABLE lock_snapshots_default PARTITION OF lock_snapshots DEFAULT;

            SELECT ops_day_partitions_ensure('lock_snapshots',
                greatest(least((SELECT min("At") FROM lock_snapshots_unpartitioned) AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC')::date,
                    (now() AT TIME ZONE 'UTC')::date - 62),
                (now() AT TIME ZONE 'UTC')::date + 7);
            INSERT INTO lock_snapshots ("Id", "TargetId", "At", "Waiting", "LongestWaitMs", "Deadlocks", "Graph") OVERRIDING SYSTEM VALUE
                SELECT "Id", "TargetId", "At", "Waiting", "LongestWaitMs", "Deadlocks", "Graph" FROM lock_snapshots_unpartitioned;
            -- The identity goes on from where the old one stopped: other instances read snapshots by id.
            SELECT setval(pg_get_serial_sequence('lock_snapshots', 'Id'),
                greatest((SELECT max("Id") FROM lock_snapshots_unpartitioned),
                    pg_sequence_last_value(pg_get_serial_sequence('lock_snapshots_unpartitioned', 'Id')::regclass), 1));
            DROP TABLE lock_snapshots_unpartitioned;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to plain tables with single-column keys: a resend stored twice on two days is kept once (the first).
            migrationBuilder.Sql("""
                CREATE TABLE checkout_events_plain (LIKE checkout_events INCLUDING DEFAULTS);
                INSERT INTO checkout_events_plain SELECT DISTINCT ON ("EventId") * FROM checkout_events ORDER BY "EventId", "OccurredAt";
                DROP TABLE checkout_events;
                ALTER TABLE checkout_events_plain RENAME TO checkout_events;
                ALTER TABLE checkout_events ADD CONSTRAINT "PK_checkout_events" PRIMARY KEY ("EventId");
                CREATE INDEX "IX_checkout_events_Service_OccurredAt" ON checkout_events ("Service", "OccurredAt");
                CREATE INDEX "IX_checkout_events_lock_timeouts" ON checkout_events ("Target", "OccurredAt") WHERE "ErrorClass" = 'db_lock_timeout';

                CREATE TABLE lock_snapshots_plain (LIKE lock_snapshots INCLUDING DEFAULTS INCLUDING IDENTITY);
                INSERT INTO lock_snapshots_plain OVERRIDING SYSTEM VALUE SELECT * FROM lock_snapshots;
                SELECT setval(pg_get_serial_sequence('lock_snapshots_plain', 'Id'), coalesce((SELECT max("Id") FROM lock_snapshots), 1));
                DROP TABLE lock_snapshots;
                ALTER TABLE lock_snapshots_plain RENAME TO lock_snapshots;
                ALTER TABLE lock_snapshots ADD CONSTRAINT "PK_lock_snapshots" PRIMARY KEY ("Id");
                ALTER TABLE lock_snapshots ADD CONSTRAINT "FK_lock_snapshots_targets_TargetId" FOREIGN KEY ("TargetId") REFERENCES targets ("Id") ON DELETE CASCADE;
                CREATE INDEX "IX_lock_snapshots_At" ON lock_snapshots ("At");
                CREATE INDEX "IX_lock_snapshots_TargetId_At" ON lock_snapshots ("TargetId", "At");

                DROP FUNCTION ops_day_partitions_ensure(regclass, date, date);
                DROP FUNCTION ops_day_partitions_prune(regclass, timestamptz);
                """);
        }
    }
}
