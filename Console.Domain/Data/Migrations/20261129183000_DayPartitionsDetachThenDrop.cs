using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace OpsConsole.Domain.Data.Migrations
{
    /// <inheritdoc />
    [DbContext(typeof(OpsDbContext))]
    [Migration("20261129183000_DayPartitionsDetachThenDrop")]
    public partial class DayPartitionsDetachThenDrop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Pruning a day becomes three calls, each its own short transaction (decisions/0035): DETACH the expired days (the
            // only step that locks the parent against ingest: catalog work, milliseconds, and given up after 200 ms rather than
            // queueing ingest behind it; the console retries), then DROP the detached tables (their files: seconds for a big
            // day, and nobody waits on them), then DELETE from DEFAULT. DROP of a partition inside ops_day_partitions_prune held
            // ACCESS EXCLUSIVE on the parent for all of it. A day detached by a console that stopped before the DROP is dropped by
            // the next prune.
            migrationBuilder.Sql(Functions);
        }

        private const string Functions = """
            DROP FUNCTION ops_day_partitions_prune(regclass, timestamptz);

            CREATE FUNCTION ops_day_partitions_detach(parent regclass, cutoff timestamptz)
              RETURNS TABLE (partition_name text, day_rows bigint, bytes bigint)
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC' SET lock_timeout = '200ms' AS $fn$
            DECLARE
              table_name text := ops_day_partitioned(parent);
              r record;
              upper_bound timestamptz;
            BEGIN
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
                EXECUTE format('ALTER TABLE %I DETACH PARTITION %I', table_name, r.relname);
                RETURN NEXT;
              END LOOP;
            END $fn$;

            -- Drops the days of the parent that are detached: tables named like its days that are no partition of anything.
            CREATE FUNCTION ops_day_partitions_drop_detached(parent regclass) RETURNS SETOF text
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '2s' AS $fn$
            DECLARE
              table_name text := ops_day_partitioned(parent);
              r record;
            BEGIN
              FOR r IN
                SELECT c.relname FROM pg_class c
                WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' AND NOT c.relispartition
                  AND c.relname ~ ('^' || table_name || '_[0-9]{8}$')
                ORDER BY c.relname
              LOOP
                EXECUTE format('DROP TABLE %I', r.relname);
                RETURN NEXT r.relname;
              END LOOP;
            END $fn$;

            CREATE FUNCTION ops_day_partitions_prune_default(parent regclass, cutoff timestamptz) RETURNS bigint
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET timezone = 'UTC' SET lock_timeout = '2s' AS $fn$
            DECLARE
              table_name text := ops_day_partitioned(parent);
              deleted bigint;
            BEGIN
              EXECUTE format('WITH gone AS (DELETE FROM %I WHERE %I < %L RETURNING 1) SELECT count(*) FROM gone', table_name || '_default',
                CASE table_name WHEN 'checkout_events' THEN 'OccurredAt' ELSE 'At' END, cutoff)
                INTO deleted;
              RETURN deleted;
            END $fn$;

            -- The two day-partitioned tables, by name; anything else is refused.
            CREATE FUNCTION ops_day_partitioned(parent regclass) RETURNS text
            LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $fn$
            BEGIN
              IF parent = 'checkout_events'::regclass THEN RETURN 'checkout_events'; END IF;
              IF parent = 'lock_snapshots'::regclass THEN RETURN 'lock_snapshots'; END IF;
              RAISE EXCEPTION '% is not partitioned by day', parent;
            END $fn$;

            REVOKE ALL ON FUNCTION ops_day_partitions_detach(regclass, timestamptz) FROM PUBLIC;
            REVOKE ALL ON FUNCTION ops_day_partitions_drop_detached(regclass) FROM PUBLIC;
            REVOKE ALL ON FUNCTION ops_day_partitions_prune_default(regclass, timestamptz) FROM PUBLIC;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The single-transaction prune again (its body as 20261129150517_DayPartitionedEventsAndSnapshots made it).
            migrationBuilder.Sql("""
                DROP FUNCTION ops_day_partitions_detach(regclass, timestamptz);
                DROP FUNCTION ops_day_partitions_drop_detached(regclass);
                DROP FUNCTION ops_day_partitions_prune_default(regclass, timestamptz);
                DROP FUNCTION ops_day_partitioned(regclass);

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
                REVOKE ALL ON FUNCTION ops_day_partitions_prune(regclass, timestamptz) FROM PUBLIC;
                """);
        }
    }
}
