import { navigate } from "../router";
import { t } from "../i18n";
import { SearchForm, defaultStay, stayQuery } from "../components/SearchForm";
import { PageTitle } from "../components/ui";

export function Home() {
	return (
		<section class="hero">
			<div class="hero__text">
				<PageTitle>{t("home.title")}</PageTitle>
				<p class="lead">{t("home.lead")}</p>
			</div>
			<div class="card">
				<SearchForm initial={defaultStay()} onSearch={q => navigate("/search", stayQuery(q))} />
			</div>
		</section>
	);
}
