/**
 * Schema of the reservations store, as umzug migrations that run at start-up on PostgreSQL and
 * SQLite alike (recorded in SequelizeMeta; never `sync()`).
 *
 * Dates are VARCHAR(10) `YYYY-MM-DD` and instants ISO-8601 strings: both dialects compare them
 * the same way and no driver converts them through the server's time zone.
 */
import { DataTypes, type QueryInterface } from "sequelize";
import type { Migration } from "../../mixins/db.mixin";
import { addOutboxClaims, createOutboxTable, OUTBOX_TABLE } from "../../lib/outbox";
import { createProcessedTable, PROCESSED_TABLE } from "../../lib/bus/dedup";

const isSqlite = (qi: QueryInterface) => qi.sequelize.getDialect() === "sqlite";

export const migrations: Migration[] = [
	{
		name: "0001-initial",
		async up({ context: qi }) {
			// The local copy of hotels (SPEC §4): the whole public hotel as JSON plus what we query by.
			await qi.createTable("hotel_copies", {
				id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
				city_key: { type: DataTypes.STRING(100), allowNull: false },
				active: { type: DataTypes.BOOLEAN, allowNull: false },
				updated_at: { type: DataTypes.STRING(30), allowNull: false },
				inventory_until: { type: DataTypes.STRING(10), allowNull: true },
				data: { type: DataTypes.TEXT, allowNull: false },
			});
			await qi.addIndex("hotel_copies", ["city_key", "active"], { name: "hotel_copies_city_idx" });

			// One row per (hotel, room type, night). The CHECK is the last line of defence against
			// overselling: no statement can commit a night booked beyond its total.
			await qi.sequelize.query(`CREATE TABLE inventory (
				hotel_id VARCHAR(64) NOT NULL,
				room_type_id VARCHAR(64) NOT NULL,
				night VARCHAR(10) NOT NULL,
				total INTEGER NOT NULL,
				booked INTEGER NOT NULL DEFAULT 0,
				PRIMARY KEY (hotel_id, room_type_id, night),
				CONSTRAINT inventory_booked_range CHECK (booked >= 0 AND booked <= total)
			)${isSqlite(qi) ? " WITHOUT ROWID" : ""}`);

			await qi.createTable("reservations", {
				id: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
				code: { type: DataTypes.STRING(8), allowNull: false, unique: true },
				status: { type: DataTypes.STRING(20), allowNull: false },
				hotel_id: { type: DataTypes.STRING(64), allowNull: false },
				hotel_name: { type: DataTypes.STRING(200), allowNull: false },
				room_type_id: { type: DataTypes.STRING(64), allowNull: false },
				room_type_name: { type: DataTypes.STRING(100), allowNull: false },
				check_in: { type: DataTypes.STRING(10), allowNull: false },
				check_out: { type: DataTypes.STRING(10), allowNull: false },
				nights: { type: DataTypes.INTEGER, allowNull: false },
				rooms: { type: DataTypes.INTEGER, allowNull: false },
				guests: { type: DataTypes.INTEGER, allowNull: false },
				guest_name: { type: DataTypes.STRING(200), allowNull: false },
				guest_email: { type: DataTypes.STRING(254), allowNull: false },
				guest_phone: { type: DataTypes.STRING(40), allowNull: true },
				guest_locale: { type: DataTypes.STRING(10), allowNull: false },
				total_price: { type: DataTypes.BIGINT, allowNull: false },
				currency: { type: DataTypes.STRING(3), allowNull: false },
				sequence: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
				created_at: { type: DataTypes.STRING(30), allowNull: false },
				updated_at: { type: DataTypes.STRING(30), allowNull: false },
			});
			await qi.addIndex("reservations", ["hotel_id", "check_in"], { name: "reservations_hotel_idx" });
			await qi.addIndex("reservations", ["guest_email"], { name: "reservations_email_idx" });
			await qi.addIndex("reservations", ["status", "check_in"], { name: "reservations_status_idx" });

			await qi.createTable("idempotency_keys", {
				key: { type: DataTypes.STRING(255), primaryKey: true, allowNull: false },
				request_hash: { type: DataTypes.STRING(64), allowNull: false },
				status: { type: DataTypes.STRING(10), allowNull: false },
				response_status: { type: DataTypes.INTEGER, allowNull: true },
				response_body: { type: DataTypes.TEXT, allowNull: true },
				created_at: { type: DataTypes.STRING(30), allowNull: false },
			});
			await qi.addIndex("idempotency_keys", ["created_at"], { name: "idempotency_keys_created_idx" });

			await createOutboxTable(qi);
		},
		async down({ context: qi }) {
			for (const t of [OUTBOX_TABLE, "idempotency_keys", "reservations", "inventory", "hotel_copies"]) await qi.dropTable(t);
		},
	},
	{
		// The hotels.hotel.* consumer's de-duplication (lib/bus/dedup.ts). IF NOT EXISTS: databases
		// where the consumer created it at run time, before this migration, keep theirs.
		name: "0002-processed-messages",
		async up({ context: qi }) {
			await createProcessedTable(qi);
		},
		async down({ context: qi }) {
			await qi.dropTable(PROCESSED_TABLE);
		},
	},
	{
		// The relay claims rows with one autocommit statement instead of a transaction held while
		// RabbitMQ confirms (lib/outbox.ts). Nullable: the booking statement's INSERT need not change.
		name: "0003-outbox-claims",
		async up({ context: qi }) {
			await addOutboxClaims(qi);
		},
		async down({ context: qi }) {
			await qi.sequelize.query("DROP INDEX outbox_undelivered_idx");
			await qi.removeColumn(OUTBOX_TABLE, "claimed_until");
		},
	},
	{
		// Rate plans and the calendar (SPEC §9, docs/rates.md). The inventory gains each night's
		// overbookLimit (the CHECK becomes booked <= total + overbook_limit) and rate_version,
		// raised by every calendar write on the nights it touches: the booking statement compares
		// it on the rows it locks, so a price read before a change that committed is never charged.
		// Prices and restrictions are sparse overrides in `rates`; each booking's nightly prices
		// are rows of reservation_nights (revenue per night in SQL). SQLite cannot alter a CHECK:
		// its inventory table is rebuilt.
		name: "0004-rate-plans-calendar",
		async up({ context: qi }) {
			const check = "CHECK (booked >= 0 AND overbook_limit >= 0 AND booked <= total + overbook_limit)";
			if (isSqlite(qi)) {
				await qi.sequelize.query(`CREATE TABLE inventory_next (
					hotel_id VARCHAR(64) NOT NULL,
					room_type_id VARCHAR(64) NOT NULL,
					night VARCHAR(10) NOT NULL,
					total INTEGER NOT NULL,
					booked INTEGER NOT NULL DEFAULT 0,
					overbook_limit INTEGER NOT NULL DEFAULT 0,
					rate_version INTEGER NOT NULL DEFAULT 0,
					PRIMARY KEY (hotel_id, room_type_id, night),
					CONSTRAINT inventory_booked_range ${check}
				) WITHOUT ROWID`);
				await qi.sequelize.query(`INSERT INTO inventory_next (hotel_id, room_type_id, night, total, booked) SELECT hotel_id, room_type_id, night, total, booked FROM inventory`);
				await qi.sequelize.query("DROP TABLE inventory");
				await qi.sequelize.query("ALTER TABLE inventory_next RENAME TO inventory");
			} else {
				await qi.sequelize.query(`ALTER TABLE inventory ADD COLUMN overbook_limit INTEGER NOT NULL DEFAULT 0, ADD COLUMN rate_version INTEGER NOT NULL DEFAULT 0`);
				await qi.sequelize.query(`ALTER TABLE inventory DROP CONSTRAINT inventory_booked_range, ADD CONSTRAINT inventory_booked_range ${check}`);
			}
			// One row per (hotel, room type, night, plan) that a manager set; NULL: not set.
			await qi.sequelize.query(`CREATE TABLE rates (
				hotel_id VARCHAR(64) NOT NULL,
				room_type_id VARCHAR(64) NOT NULL,
				night VARCHAR(10) NOT NULL,
				rate_plan_id VARCHAR(64) NOT NULL,
				price BIGINT,
				min_stay INTEGER,
				max_stay INTEGER,
				closed SMALLINT,
				closed_to_arrival SMALLINT,
				closed_to_departure SMALLINT,
				PRIMARY KEY (hotel_id, room_type_id, night, rate_plan_id)
			)${isSqlite(qi) ? " WITHOUT ROWID" : ""}`);
			await qi.sequelize.query(`CREATE TABLE reservation_nights (
				reservation_id VARCHAR(64) NOT NULL,
				night VARCHAR(10) NOT NULL,
				hotel_id VARCHAR(64) NOT NULL,
				room_type_id VARCHAR(64) NOT NULL,
				rooms INTEGER NOT NULL,
				price BIGINT NOT NULL,
				PRIMARY KEY (reservation_id, night)
			)`);
			await qi.addIndex("reservation_nights", ["hotel_id", "night"], { name: "reservation_nights_hotel_idx" });
			// The plan as booked; nightly prices per room (JSON); the frozen cancellation schedule and
			// the plan's policy as booked (JSON, SPEC §10).
			await qi.addColumn("reservations", "rate_plan_id", { type: DataTypes.STRING(64), allowNull: true });
			await qi.addColumn("reservations", "rate_plan_name", { type: DataTypes.STRING(100), allowNull: true });
			await qi.addColumn("reservations", "nightly", { type: DataTypes.TEXT, allowNull: true });
			await qi.addColumn("reservations", "cancellation", { type: DataTypes.TEXT, allowNull: true });
			await qi.addColumn("reservations", "policy", { type: DataTypes.TEXT, allowNull: true });
		},
		async down({ context: qi }) {
			for (const c of ["policy", "cancellation", "nightly", "rate_plan_name", "rate_plan_id"]) await qi.removeColumn("reservations", c);
			await qi.dropTable("reservation_nights");
			await qi.dropTable("rates");
		},
	},
	{
		// Cancellation and no-show fees (SPEC §10, docs/policies.md): what a cancellation or no-show
		// cost, and a waiver (reason, by whom). job_leases: the one node that runs a job (the
		// autoNoShow job, reservations/no-show-job.ts) holds its row until `until_ms`.
		name: "0005-policies",
		async up({ context: qi }) {
			await qi.addColumn("reservations", "cancellation_fee", { type: DataTypes.BIGINT, allowNull: true });
			await qi.addColumn("reservations", "no_show_fee", { type: DataTypes.BIGINT, allowNull: true });
			await qi.addColumn("reservations", "fee_waived", { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false });
			await qi.addColumn("reservations", "waive_reason", { type: DataTypes.STRING(500), allowNull: true });
			await qi.addColumn("reservations", "waived_by", { type: DataTypes.STRING(254), allowNull: true });
			await qi.createTable("job_leases", {
				name: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
				holder: { type: DataTypes.STRING(200), allowNull: false },
				until_ms: { type: DataTypes.BIGINT, allowNull: false },
			});
		},
		async down({ context: qi }) {
			await qi.dropTable("job_leases");
			for (const c of ["waived_by", "waive_reason", "fee_waived", "no_show_fee", "cancellation_fee"]) await qi.removeColumn("reservations", c);
		},
	},
	{
		// Reports (SPEC §12, docs/reports.md): the instant and hotel-local date of the last status
		// change, set by each transition (the day a cancellation or an early check-out counts on);
		// rows changed before it get their UTC date. Indexes for pickup and departures per hotel.
		name: "0006-reports",
		async up({ context: qi }) {
			await qi.addColumn("reservations", "status_at", { type: DataTypes.STRING(30), allowNull: true });
			await qi.addColumn("reservations", "status_on", { type: DataTypes.STRING(10), allowNull: true });
			await qi.sequelize.query(`UPDATE reservations SET status_at = updated_at, status_on = substr(updated_at, 1, 10) WHERE status <> 'confirmed'`);
			await qi.addIndex("reservations", ["hotel_id", "created_at"], { name: "reservations_hotel_created_idx" });
			await qi.addIndex("reservations", ["hotel_id", "check_out"], { name: "reservations_hotel_out_idx" });
			await qi.addIndex("reservations", ["hotel_id", "status", "status_on"], { name: "reservations_hotel_status_idx" });
		},
		async down({ context: qi }) {
			for (const i of ["reservations_hotel_status_idx", "reservations_hotel_out_idx", "reservations_hotel_created_idx"]) await qi.removeIndex("reservations", i);
			for (const c of ["status_on", "status_at"]) await qi.removeColumn("reservations", c);
		},
	},
	{
		// Search reads a stay's few nights of many hotels: (hotel, night) ranges, where the primary
		// keys' (hotel, room type, night) order made the planner scan the whole table. `booked` is
		// not in the index, so a booking's update of it stays a HOT update.
		name: "0007-search-indexes",
		async up({ context: qi }) {
			await qi.addIndex("inventory", ["hotel_id", "night"], { name: "inventory_hotel_night_idx" });
			// PostgreSQL: covering, so search reads the overrides from the index alone (a hotel's rows
			// are scattered over the heap by the bulk edits that wrote them); rates change rarely.
			if (qi.sequelize.getDialect() === "postgres")
				await qi.sequelize.query(`CREATE INDEX rates_hotel_night_idx ON rates (hotel_id, night)
					INCLUDE (room_type_id, rate_plan_id, price, min_stay, max_stay, closed, closed_to_arrival, closed_to_departure)`);
			else await qi.addIndex("rates", ["hotel_id", "night"], { name: "rates_hotel_night_idx" });
		},
		async down({ context: qi }) {
			await qi.removeIndex("rates", "rates_hotel_night_idx");
			await qi.removeIndex("inventory", "inventory_hotel_night_idx");
		},
	},
];
