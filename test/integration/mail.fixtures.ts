/**
 * Shared parts of the mail and messaging integration tests: a real SMTP server, a small
 * service with an outbox table and the relay (stands in for reservations), messages shaped
 * like reservations', and RabbitMQ helpers (break a bus connection, delete a namespace's queues).
 */
import { execFile } from "child_process";
import { promisify } from "util";
import { ServiceBroker, type ServiceSchema } from "moleculer";
import { DataTypes } from "sequelize";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import { brokerOptions } from "../../moleculer.config";
import { loadConfig } from "../../lib/config";
import { productConsumers } from "../../lib/broker";
import { AmqpBus, busOptionsOf } from "../../lib/bus";
import { Events, makeMessage, type DomainMessage, type EventName } from "../../lib/events";
import { addOutboxClaims, appendOutbox, createOutboxTable } from "../../lib/outbox";
import OutboxRelayMixin from "../../mixins/outbox.mixin";
import { SqlDbMixin } from "../../mixins/db.mixin";
import type { Sequelize } from "sequelize";
import { AMQP_URL } from "../helpers/infra";

const run = promisify(execFile);

export { sleep, settled, waitFor } from "../helpers/wait";

/** A broker without Moleculer transporter: the durable bus alone links the test's nodes. */
export function makeBroker(nodeID: string): ServiceBroker {
	return new ServiceBroker(brokerOptions(loadConfig(), { transporter: undefined, nodeID, metrics: { enabled: true }, logger: { type: "Console", options: { level: process.env.TEST_LOG_LEVEL || "warn" } } }));
}

// ---------------------------------------------------------------- messages

export function reservationMessage(event: EventName, code: string, opts: { locale?: string; sequence?: number; email?: string; checkIn?: string; checkOut?: string } = {}): DomainMessage {
	const checkIn = opts.checkIn ?? "2027-03-01";
	const checkOut = opts.checkOut ?? "2027-03-04";
	const nights = Math.round((Date.parse(checkOut) - Date.parse(checkIn)) / 86_400_000);
	return makeMessage(event, {
		reservation: {
			id: `r-${code}`, code, status: event === Events.RESERVATION_CANCELLED ? "cancelled" : "confirmed", hotelId: "h1", hotelName: "Hôtel du Lac",
			roomTypeId: "std", roomTypeName: "Standard double", checkIn, checkOut, nights, rooms: 1, guests: 2,
			guest: { name: `Guest ${code}`, email: opts.email ?? `${code.toLowerCase()}@example.com`, locale: opts.locale ?? "en" },
			totalPrice: 14500 * nights, currency: "EUR", createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
		},
		hotel: { id: "h1", name: "Hôtel du Lac", address: { line1: "1 quai Napoléon III", city: "Annecy", postalCode: "74000", country: "FR" }, timezone: "Europe/Paris", email: "contact@hoteldulac.example", currency: "EUR" },
		sequence: opts.sequence ?? 0,
	});
}

export const code = (i: number) => `T${String(i).padStart(7, "0")}`.replace(/[01]/g, d => (d === "0" ? "A" : "B"));

// ---------------------------------------------------------------- a service with an outbox

export interface OutboxProbe { append(messages: DomainMessage[]): Promise<void>; pending(): Promise<number>; sequelize: Sequelize }

/** Stands in for reservations: an outbox table in its own database and the relay. */
export function outboxProbeService(dbUrl: string): ServiceSchema {
	return {
		name: "outboxprobe",
		mixins: [
			OutboxRelayMixin({ pollIntervalMs: 50 }),
			SqlDbMixin({
				name: "outboxprobe",
				url: () => dbUrl,
				model: { name: "outbox_probe", define: { id: { type: DataTypes.STRING(64), primaryKey: true } }, options: { tableName: "outbox" } },
				migrations: [{ name: "probe-001-outbox", up: async ({ context }) => { await createOutboxTable(context); await addOutboxClaims(context); } }],
			}),
		],
		methods: {
			async append(this: OutboxProbe, messages: DomainMessage[]) {
				await this.sequelize.transaction(async t => { for (const m of messages) await appendOutbox(this.sequelize, t, m); });
			},
			async pending(this: OutboxProbe) {
				const [r] = await this.sequelize.query("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at IS NULL", { plain: false, raw: true }) as [{ n: string | number }[], unknown];
				return Number(r[0].n);
			},
		},
	} as ServiceSchema;
}

export function probeOf(broker: ServiceBroker): OutboxProbe & { wakeOutboxRelay(): void } {
	return broker.getLocalService("outboxprobe") as unknown as OutboxProbe & { wakeOutboxRelay(): void };
}

// ---------------------------------------------------------------- SMTP

export interface Received { messageId: string; type: string; code: string; to: string; subject: string; mail: ParsedMail }

export interface TestSmtp {
	url: string;
	received: Received[];
	/** Called before a message is accepted; return an SMTP error message to refuse it. */
	gate: (r: Received) => string | null;
	close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
	const state: TestSmtp = { url: "", received: [], gate: () => null, close: async () => undefined };
	const server = new SMTPServer({
		authOptional: true,
		disabledCommands: ["AUTH", "STARTTLS"],
		logger: false,
		onData(stream: SMTPServerDataStream, _session, callback) {
			simpleParser(stream).then(mail => {
				const h = (name: string) => String(mail.headers.get(name) ?? "");
				const r: Received = { messageId: h("x-hotel-message-id"), type: h("x-hotel-mail-type"), code: h("x-hotel-reservation"), to: mail.to && !Array.isArray(mail.to) ? mail.to.text : "", subject: mail.subject ?? "", mail };
				const refusal = state.gate(r);
				if (refusal) {
					const err = new Error(refusal) as Error & { responseCode: number };
					err.responseCode = 451;
					return callback(err);
				}
				state.received.push(r);
				callback();
			}, (err: Error) => callback(err));
		},
	});
	await new Promise<void>(resolve => server.listen(0, "127.0.0.1", () => resolve()));
	const port = (server.server.address() as { port: number }).port;
	state.url = `smtp://127.0.0.1:${port}`;
	state.close = () => new Promise<void>(resolve => server.close(() => resolve()));
	return state;
}

/** message id → how many times the SMTP server accepted it. */
export function countsById(received: Received[]): Map<string, number> {
	const m = new Map<string, number>();
	for (const r of received) m.set(r.messageId, (m.get(r.messageId) ?? 0) + 1);
	return m;
}

// ---------------------------------------------------------------- RabbitMQ

/** Closes, from the server side, every bus connection of this namespace (as a network failure or an operator would). */
export async function breakBusConnections(namespace: string): Promise<number> {
	const { stdout } = await run("rabbitmqctl", ["list_connections", "-q", "pid", "client_properties"], { timeout: 20_000 });
	const pids = stdout.split("\n").filter(l => l.includes(`{"connection_name","hotel-bus ${namespace} `)).map(l => l.split("\t")[0]);
	for (const pid of pids) await run("rabbitmqctl", ["close_connection", pid, "test: connection broken on purpose"], { timeout: 20_000 });
	return pids.length;
}

export async function rabbitmqctlAvailable(): Promise<boolean> {
	try {
		await run("rabbitmqctl", ["list_connections", "-q", "pid"], { timeout: 20_000 });
		return true;
	} catch {
		return false;
	}
}

export async function deleteBusTopology(namespace: string, groups: string[] = []): Promise<void> {
	// The product's consumer groups (every node declares them) and the test's own.
	const bus = new AmqpBus(AMQP_URL, namespace, { info() { /* quiet */ }, warn() { /* quiet */ }, error() { /* quiet */ } }, busOptionsOf(), `hotel-bus ${namespace} cleanup`, productConsumers);
	try {
		await bus.deleteTopology(groups);
	} finally {
		await bus.close();
	}
}
