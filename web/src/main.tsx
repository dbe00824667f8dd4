/** The app shell: header, language switch, hash routes for guests (/…) and staff (/admin/…). */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { setAdminUnauthorizedHandler } from "./api";
import { getLocale, onLocaleChange, setLocale, t, type Locale } from "./i18n";
import { href, navigate, useRoute, type Route } from "./router";
import { adminToken, can, loadStaffMe, staffLanding, staffMeError, startStaffSession, useStaffMe } from "./session";
import { ErrorAlert } from "./components/ErrorAlert";
import type { Permission, StaffMe } from "./types";
import { Alert, Loading, PageTitle } from "./components/ui";
import type { JSX } from "preact";
import { Home } from "./pages/Home";
import { Results } from "./pages/Results";
import { HotelPage } from "./pages/HotelPage";
import { Book } from "./pages/Book";
import { Confirmation } from "./pages/Confirmation";
import { ManageBooking, ManageLookup } from "./pages/Manage";
import { Login } from "./pages/admin/Login";
import { AdminHotels } from "./pages/admin/Hotels";
import { HotelForm } from "./pages/admin/HotelForm";
import { AdminReservations } from "./pages/admin/Reservations";
import { AdminOccupancy } from "./pages/admin/Occupancy";
import { AdminMails } from "./pages/admin/Mails";
import { AdminCalendar } from "./pages/admin/Calendar";
import { AdminStaff, roleLabel } from "./pages/admin/Staff";
import { AdminAudit } from "./pages/admin/Audit";
import { AdminWebhooks } from "./pages/admin/Webhooks";
import { AdminReports } from "./pages/admin/Reports";
import { AdminToday } from "./pages/admin/Today";
import { NewBooking } from "./pages/admin/NewBooking";
import { ReservationDetail } from "./pages/admin/ReservationDetail";
import { ForgotPassword } from "./pages/admin/Login";
import { SetPassword } from "./pages/SetPassword";
import "./styles.css";

/** Links from emails may arrive as /?code=…#/manage or /manage?code=…: bring them to the hash route. */
function adoptLegacyLink(): void {
	const qs = new URLSearchParams(location.search);
	const code = qs.get("code");
	if (code && (!location.hash || location.hash === "#/" || location.hash.startsWith("#/manage"))) {
		history.replaceState(null, "", `/${href(`/manage/${code.toUpperCase()}`)}`);
	}
}

function GuestRoutes({ route }: { route: Route }) {
	const [a, b, c] = route.parts;
	if (!a) return <Home />;
	if (a === "search") return <Results route={route} />;
	if (a === "hotels" && b) return <HotelPage id={b} route={route} />;
	if (a === "book" && b && c) return <Book hotelId={b} roomTypeId={c} route={route} />;
	if (a === "confirmation" && b) return <Confirmation code={b} />;
	if (a === "manage" && b) return <ManageBooking key={b} code={b.toUpperCase()} route={route} />;
	if (a === "manage") return <ManageLookup route={route} />;
	if (a === "set-password" || a === "reset-password") return <SetPassword key={a} route={route} reset={a === "reset-password"} />;
	return <NotFound />;
}

function AdminRoutes({ route, expired, me }: { route: Route; expired: boolean; me: StaffMe | null }) {
	const [, b, c] = route.parts;
	if (b === "forgot") return <ForgotPassword />;
	if (b === "login" || !adminToken())
		return <Login next={route.query.get("next") ?? (b && b !== "login" ? route.path : undefined)} notice={expired ? t("err.adminExpired") : undefined} />;
	if (!me)
		return staffMeError() ? (
			<ErrorAlert error={staffMeError()} context="admin">
				<button type="button" class="btn btn--small" onClick={() => void loadStaffMe(true)}>{t("common.retry")}</button>
			</ErrorAlert>
		) : (
			<Loading />
		);
	// A page the role does not have says so (the server would refuse its reads anyway).
	const allowed = (permission: Permission, page: JSX.Element) => (can(permission, me) ? page : <NotAllowed me={me} />);
	if (!b) return <Redirect to={staffLanding(me)} />;
	if (b === "hotels" && c === "new") return allowed("hotels.create", <HotelForm />);
	if (b === "hotels" && c) return allowed("hotels.edit", <HotelForm key={c} id={c} />);
	if (b === "hotels") return allowed("hotels.edit", <AdminHotels route={route} />);
	if (b === "reservations" && c) return allowed("reservations.view", <ReservationDetail key={c} code={c.toUpperCase()} />);
	if (b === "reservations") return allowed("reservations.view", <AdminReservations route={route} />);
	if (b === "today") return allowed("reservations.view", <AdminToday route={route} />);
	if (b === "book") return allowed("reservations.manage", <NewBooking route={route} />);
	if (b === "reports") return allowed("reports.view", <AdminReports route={route} />);
	if (b === "occupancy") return allowed("reports.view", <AdminOccupancy route={route} />);
	if (b === "calendar") return allowed("rates.edit", <AdminCalendar route={route} />);
	if (b === "mails") return allowed("mail.manage", <AdminMails route={route} />);
	if (b === "staff") return allowed("staff.manage", <AdminStaff />);
	if (b === "audit") return allowed("audit.view", <AdminAudit route={route} />);
	if (b === "webhooks") return allowed("webhooks.manage", <AdminWebhooks route={route} />);
	if (b === "account") return <NotAllowed me={me} />;
	return <NotFound />;
}

function Redirect({ to }: { to: string }) {
	useEffect(() => navigate(to, {}, true), [to]);
	return <Loading />;
}

/** A staff page outside the role: who is signed in, with what role and hotels, and where to go. */
function NotAllowed({ me }: { me: StaffMe }) {
	const home = staffLanding(me);
	return (
		<div class="narrow">
			<PageTitle>{t("acc.notAllowedTitle")}</PageTitle>
			<Alert kind="info">{t("acc.notAllowed", { email: me.email, role: roleLabel(me.role) })}</Alert>
			{home !== "/admin/account" && <a href={`#${home}`}>{t("acc.goHome")}</a>}
		</div>
	);
}

function NotFound() {
	return (
		<div>
			<PageTitle>{t("notFound.title")}</PageTitle>
			<a href="#/">{t("notFound.home")}</a>
		</div>
	);
}

/** Pages of the staff emails' links: staff pages, though no one is logged in yet. */
const PASSWORD_PAGES = ["set-password", "reset-password"];

function App() {
	const route = useRoute();
	const [locale, setLoc] = useState<Locale>(getLocale());
	const [expired, setExpired] = useState(false);
	useEffect(() => onLocaleChange(setLoc), []);
	useEffect(() => {
		document.documentElement.lang = locale;
	}, [locale]);
	useEffect(() => {
		setAdminUnauthorizedHandler(() => {
			startStaffSession(null);
			setExpired(true);
			navigate("/admin/login", { next: parseNext() }, true);
		});
	}, []);
	useEffect(() => {
		if (route.parts[0] === "admin" && route.parts[1] !== "login" && adminToken()) {
			setExpired(false);
			void loadStaffMe(); // a role changed meanwhile shows in the nav (read again when older than its bound)
		}
	}, [route.path]);

	const isAdmin = route.parts[0] === "admin";
	const loggedIn = !!adminToken();
	const me = useStaffMe();
	const here = (p: string) => (route.path === p || route.path.startsWith(`${p}/`) ? "page" : undefined);
	const logout = () => {
		startStaffSession(null);
		setExpired(false);
		navigate("/admin/login");
	};

	return (
		<div class={`app${isAdmin || PASSWORD_PAGES.includes(route.parts[0] ?? "") ? " app--admin" : ""}`} key={locale}>
			<a class="skip" href="#main" onClick={e => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
				{t("app.skip")}
			</a>
			<header class="topbar">
				<a class="brand" href="#/">
					<svg width="28" height="28" viewBox="0 0 64 64" aria-hidden="true">
						<rect width="64" height="64" rx="12" fill="#fff" />
						<path d="M16 48V18h6v12h20V18h6v30h-6V36H22v12z" fill="#0b4f8a" />
					</svg>
					<span>{t("app.name")}</span>
				</a>
				<nav aria-label={t("nav.main")} class="topnav">
					{isAdmin && loggedIn ? (
						<>
							{can("hotels.edit", me) && <a href="#/admin/hotels" aria-current={here("/admin/hotels")}>{t("nav.hotels")}</a>}
							{can("reservations.view", me) && <a href="#/admin/today" aria-current={here("/admin/today")}>{t("nav.today")}</a>}
							{can("reservations.view", me) && <a href="#/admin/reservations" aria-current={here("/admin/reservations")}>{t("nav.reservations")}</a>}
							{can("reports.view", me) && <a href="#/admin/reports" aria-current={here("/admin/reports")}>{t("nav.reports")}</a>}
							{can("reports.view", me) && <a href="#/admin/occupancy" aria-current={here("/admin/occupancy")}>{t("nav.occupancy")}</a>}
							{can("rates.edit", me) && <a href="#/admin/calendar" aria-current={here("/admin/calendar")}>{t("nav.calendar")}</a>}
							{can("mail.manage", me) && <a href="#/admin/mails" aria-current={here("/admin/mails")}>{t("nav.mails")}</a>}
							{can("staff.manage", me) && <a href="#/admin/staff" aria-current={here("/admin/staff")}>{t("nav.staffAccounts")}</a>}
							{can("audit.view", me) && <a href="#/admin/audit" aria-current={here("/admin/audit")}>{t("nav.audit")}</a>}
							{can("webhooks.manage", me) && <a href="#/admin/webhooks" aria-current={here("/admin/webhooks")}>{t("nav.webhooks")}</a>}
							<button type="button" class="linklike" onClick={logout}>{t("nav.logout")}</button>
						</>
					) : (
						<>
							<a href="#/" aria-current={route.path === "/" ? "page" : undefined}>{t("nav.search")}</a>
							<a href="#/manage" aria-current={here("/manage")}>{t("nav.manage")}</a>
							<a href="#/admin" aria-current={isAdmin ? "page" : undefined}>{t("nav.staff")}</a>
						</>
					)}
				</nav>
				<button type="button" class="lang" lang={t("app.switchToLang")} onClick={() => setLocale(locale === "en" ? "fr" : "en")} aria-label={`${t("app.switchToLang").toUpperCase()} – ${t("app.language")}: ${t("app.switchTo")}`}>
					{t("app.switchToLang").toUpperCase()}
				</button>
			</header>
			<main id="main" tabIndex={-1}>
				{isAdmin ? <AdminRoutes route={route} expired={expired} me={me} /> : <GuestRoutes route={route} />}
			</main>
			<footer class="footer">
				<a href="/api/docs">API</a> · <a href="#/admin">{t("nav.staff")}</a>
			</footer>
		</div>
	);
}

function parseNext(): string | undefined {
	const path = location.hash.replace(/^#/, "").split("?")[0];
	return path.startsWith("/admin/") && path !== "/admin/login" ? path : undefined;
}

adoptLegacyLink();
render(<App />, document.getElementById("app")!);
