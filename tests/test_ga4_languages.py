"""GA4 interface exports in the interface languages GA4 ships: recognised, period, totals
and rows read right, in GA4's own layouts (files written here, invented figures).

Where the strings come from (public repositories, found with the search tools; ids are
find_string file ids): parsers and fixtures written against real downloads —
de 71383509170, 68381474657, 70975562827 (headers, "# Alle Nutzer", ``;`` and ``67,8%``)
and 54141703430 (a column-by-column map of GA4's German interface); es 70110826652,
65753878803, 71177672675, 44476792797, 48076398285 ("Grupo de canales principal de la
sesión (Grupo de canales predeterminado)", "Número de eventos", "Día N"); it 27565523203,
8702756788 ("Data di inizio:", "Data di fine:", "Proprietà:", "Account:", "N° giorno",
"Conteggio eventi"), 61054934054; pt 68518892133, 54822816784 ("# Data de início", "Nº dia",
"Eventos principais", "Receita total"); pl 45744577794 ("# Data rozpoczęcia:",
"N-ty dzień", "Liczba zdarzeń", "Wyświetlenia"); ja 52541024873, 52442835265, 52868986659,
62582406313 (the whole preamble: アカウント, プロパティ, すべてのユーザー, 開始日, 終了日, and the
Traffic acquisition header). Dutch strings and the end-date labels of de, es, pt, nl, pl
are GA4's glossary wording, not seen in a file (``_UI_INFERRED`` in the reader): a dated
preamble line whose label is not known is read by its place, and a note says so.
"""
from __future__ import annotations

import collections

import pandas as pd
import pytest

from trafficlib import TrafficDataError, sources
from trafficlib.readers import ga4_reports as g

# per language: the report's channel, sessions, engaged sessions, key events, total revenue
# and active users headers; the preamble's labels; the Exploration's trailing total label
LANGS = {
    "en": dict(channel="Session primary channel group (Default Channel Group)", sessions="Sessions",
               engaged="Engaged sessions", key="Key events", revenue="Total revenue", users="Active users",
               date="Date", title="Traffic acquisition", account="Account", property="Property",
               everyone="All Users", start="Start date", end="End date", grand="Grand total"),
    "fr": dict(channel="Groupe de canaux principal de la session (Groupe de canaux par défaut)", sessions="Sessions",
               engaged="Sessions avec engagement", key="Événements clés", revenue="Revenu total",
               users="Utilisateurs actifs", date="Date", title="Acquisition de trafic", account="Compte",
               property="Propriété", everyone="Tous les utilisateurs", start="Date de début", end="Date de fin",
               grand="Total général"),
    "de": dict(channel="Sitzung – primäre Channelgruppe (Standard-Channelgruppe)", sessions="Sitzungen",
               engaged="Sitzungen mit Interaktionen", key="Schlüsselereignisse", revenue="Gesamtumsatz",
               users="Aktive Nutzer", date="Datum", title="Traffic-Akquisition", account="Konto",
               property="Property", everyone="Alle Nutzer", start="Startdatum", end="Enddatum",
               grand="Gesamtsumme"),
    "es": dict(channel="Grupo de canales principal de la sesión (Grupo de canales predeterminado)",
               sessions="Sesiones", engaged="Sesiones con interacción", key="Eventos clave",
               revenue="Ingresos totales", users="Usuarios activos", date="Fecha", title="Adquisición de tráfico",
               account="Cuenta", property="Propiedad", everyone="Todos los usuarios", start="Fecha de inicio",
               end="Fecha de finalización", grand="Total general"),
    "it": dict(channel="Gruppo di canali principale della sessione", sessions="Sessioni",
               engaged="Sessioni con coinvolgimento", key="Eventi chiave", revenue="Entrate totali",
               users="Utenti attivi", date="Data", title="Acquisizione traffico", account="Account",
               property="Proprietà", everyone="Tutti gli utenti", start="Data di inizio", end="Data di fine",
               grand="Totale complessivo"),
    "pt": dict(channel="Grupo principal de canais da sessão (Grupo de canais padrão)", sessions="Sessões",
               engaged="Sessões engajadas", key="Eventos principais", revenue="Receita total",
               users="Usuários ativos", date="Data", title="Aquisição de tráfego", account="Conta",
               property="Propriedade", everyone="Todos os usuários", start="Data de início", end="Data de término",
               grand="Total geral"),
    "nl": dict(channel="Primaire kanaalgroep voor sessie", sessions="Sessies", engaged="Sessies met betrokkenheid",
               key="Belangrijke gebeurtenissen", revenue="Totale opbrengst", users="Actieve gebruikers",
               date="Datum", title="Verkeersacquisitie", account="Account", property="Property",
               everyone="Alle gebruikers", start="Startdatum", end="Einddatum", grand="Eindtotaal"),
    "pl": dict(channel="Główna grupa kanałów sesji", sessions="Sesje", engaged="Sesje z zaangażowaniem",
               key="Kluczowe zdarzenia", revenue="Łączne przychody", users="Aktywni użytkownicy", date="Data",
               title="Pozyskiwanie ruchu", account="Konto", property="Usługa", everyone="Wszyscy użytkownicy",
               start="Data rozpoczęcia", end="Data zakończenia", grand="Suma całkowita"),
    "ja": dict(channel="セッションのメインのチャネル グループ（デフォルト チャネル グループ）", sessions="セッション",
               engaged="エンゲージのあったセッション数", key="キーイベント", revenue="合計収益",
               users="アクティブ ユーザー", date="日付", title="トラフィック獲得", account="アカウント",
               property="プロパティ", everyone="すべてのユーザー", start="開始日", end="終了日", grand="総計"),
}


def standard_report(t: dict) -> str:
    """GA4's standard report download: the ``#`` preamble, the header, the unlabelled
    total row on top, then the rows (GA4 writes plain numbers: ``1523.45``)."""
    return (f"# ----------------------------------------\n# {t['title']}: {t['channel']}\n"
            f"# {t['account']}: Demo\n# {t['property']}: demo.example - GA4\n"
            "# ----------------------------------------\n#\n"
            f"# {t['everyone']}\n# {t['start']}: 20261001\n# {t['end']}: 20261031\n"
            f"\"{t['channel']}\",{t['sessions']},{t['engaged']},{t['key']},{t['revenue']},{t['users']}\n"
            ",1234,800,13,1523.45,1100\n"
            "Organic Search,1000,650,10,1200.4,900\n"
            "Direct,234,150,3,323.05,210\n")


def exploration(t: dict) -> str:
    """A free-form Exploration download: the range line, then the total row with its
    label in a field beyond the header (dimension cells empty), then the rows."""
    return ("# ----------------------------------------\n# Demo - GA4\n# Free form 1\n# 20261001-20261003\n"
            "# ----------------------------------------\n\n"
            f"\"{t['channel']}\",{t['date']},{t['sessions']},{t['engaged']},{t['key']},{t['revenue']},{t['users']}\n"
            f",,300,200,3,450.5,250,{t['grand']}\n"
            "Direct,20261001,50,30,1,100.5,45\n"
            "Direct,20261002,50,35,0,0,48\n"
            "Organic Search,20261001,100,70,1,200,90\n"
            "Organic Search,20261003,100,65,1,150,85\n")


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_standard_report_in_each_language(tmp_path, lang):
    t = LANGS[lang]
    f = tmp_path / f"acquisition_{lang}.csv"
    f.write_text(standard_report(t), encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "ga4/report" and e.dimensions == ("channel",)
    assert e.period == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    assert e.frame["channel"].tolist() == ["Organic Search", "Direct"]
    assert e.frame["sessions"].tolist() == [1000, 234] and e.frame["engaged_sessions"].tolist() == [650, 150]
    assert e.frame["conversions"].tolist() == [10, 3]
    assert e.frame["revenue"].tolist() == pytest.approx([1200.4, 323.05])
    total = e.totals.iloc[0]
    assert len(e.totals) == 1 and (total["label"], total["scope"]) == ("", "rows")
    assert (total["sessions"], total["users"], total["revenue"]) == (1234, 1100, pytest.approx(1523.45))
    assert e.reconciliation()["ok"].all()
    assert e.meta["property"] == "demo.example - GA4" and e.meta["account"] == "Demo"
    assert not [n for n in e.notes if "by their place" in n]        # the labels are known ones


@pytest.mark.parametrize("lang", sorted(LANGS))
def test_exploration_with_its_total_label_in_each_language(tmp_path, lang):
    t = LANGS[lang]
    f = tmp_path / f"exploration_{lang}.csv"
    f.write_text(exploration(t), encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "ga4/report" and e.rows == 4
    assert e.period == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-03"))
    assert e.frame["channel"].tolist() == ["Direct", "Direct", "Organic Search", "Organic Search"]
    assert e.frame["date"].tolist()[-1] == pd.Timestamp("2026-10-03")
    total = e.totals.iloc[0]
    assert len(e.totals) == 1 and (total["label"], total["scope"]) == (t["grand"], "rows")
    assert (total["sessions"], total["conversions"], total["users"]) == (300, 3, 250)
    assert e.frame["users"].sum() == 268                              # rows' users never make the total
    assert e.reconciliation()["ok"].all()


def test_every_header_of_every_language_maps_to_exactly_one_column():
    owners = collections.defaultdict(set)
    for canon, keys in g.DIMENSIONS.items():
        for k in keys:
            owners[k].add(("dimension", canon))
    for canon, (keys, _) in g.METRICS.items():
        for k in keys:
            owners[k].add(("metric", canon))
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}     # no header claimed twice
    assert set(g.UI_NAMES) >= {"de", "es", "it", "pt", "nl", "pl", "ja"}
    checked = 0
    for lang, names in g.UI_NAMES.items():
        for canon, headers in names.items():
            for header in headers:
                dims, mets, unknown = g._map_header([header])
                assert list(dims.values()) + list(mets.values()) == [canon], (lang, header)
                assert canon in (g.DIMENSIONS if dims else g.METRICS) and not unknown
                checked += 1
    assert checked > 200


def test_japanese_headers_match_with_or_without_spaces_and_full_width_brackets():
    for header in ("アクティブユーザー", "アクティブ ユーザー", "アクティブ　ユーザー"):
        assert g._map_header([header])[1] == {0: "users"}
    assert g._map_header(["セッションのメインのチャネル グループ(デフォルト チャネル グループ)"])[0] == {0: "channel"}


def test_unknown_date_labels_are_read_by_their_place_with_a_note(tmp_path):
    # a language the kit has no labels for (Czech): GA4's dated lines, start then end
    f = tmp_path / "cs.csv"
    f.write_text("# ----------------------------------------\n# Akvizice návštěvnosti\n"
                 "# ----------------------------------------\n#\n"
                 "# Datum zahájení: 20261001\n# Datum ukončení: 20261031\n"
                 "Session default channel group,Sessions,Active users\n,150,120\nDirect,100,80\nReferral,50,40\n",
                 encoding="utf-8")
    e = sources.load(f)
    assert e.period == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    assert any("by their place" in n and "'Datum zahájení' as the start" in n for n in e.notes)


def test_a_comparison_range_is_kept_apart_from_the_period():
    facts = g._preamble_facts(["Data di inizio: 20261001", "Data di fine: 20261031",
                               "Data di inizio (confronto): 20250901", "Data di fine (confronto): 20250930"])
    assert (facts["start"], facts["end"]) == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    assert (facts["compare_start"], facts["compare_end"]) == (pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-30"))


def test_a_second_range_under_the_same_labels_is_the_comparison():
    facts = g._preamble_facts(["Fecha de inicio: 20261001", "Fecha de finalización: 20261031",
                               "Fecha de inicio: 20250901", "Fecha de finalización: 20250930"])
    assert (facts["start"], facts["end"]) == (pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-31"))
    assert (facts["compare_start"], facts["compare_end"]) == (pd.Timestamp("2025-09-01"), pd.Timestamp("2025-09-30"))


def test_a_start_after_the_end_is_not_a_period():
    facts = g._preamble_facts(["開始日: 20261031", "終了日: 20261001"])
    assert "start" not in facts and "end" not in facts
    assert any("is after" in n for n in facts["notes"])


def test_ga4_preamble_with_headers_the_kit_does_not_know_is_refused_by_name(tmp_path):
    f = tmp_path / "cs_headers.csv"
    f.write_text("# ----------------------------------------\n# Akvizice návštěvnosti\n"
                 "# ----------------------------------------\n#\n# Datum zahájení: 20261001\n"
                 "# Datum ukončení: 20261031\nVýchozí skupina kanálů relace,Relace,Aktivní uživatelé\n"
                 ",150,120\nDirect,100,80\n", encoding="utf-8")
    with pytest.raises(TrafficDataError) as err:
        sources.load(f)
    msg = str(err.value)
    assert "GA4 export" in msg and "Relace, Aktivní uživatelé" in msg and "cs_headers.csv" in msg


def test_an_unknown_trailing_label_on_a_data_row_is_refused(tmp_path):
    text = exploration(LANGS["pl"]).replace("Organic Search,20261001,100,70,1,200,90\n",
                                            ",,100,70,1,200,90,Coś innego\nOrganic Search,20261001,100,70,1,200,90\n")
    f = tmp_path / "middle.csv"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(TrafficDataError) as err:
        sources.load(f)
    assert "8 fields where the header has 7" in str(err.value) and err.value.rows == [11]


def test_an_unknown_trailing_total_label_is_noted(tmp_path):
    # 総計 is a label the shared rule knows; a wording it does not know (Vietnamese) is
    # judged as an unlabelled total and noted
    f = tmp_path / "ja.csv"
    f.write_text(exploration(LANGS["ja"]), encoding="utf-8")
    e = sources.load(f)
    assert not any("not a total label the kit knows" in n for n in e.notes) and e.totals is not None
    f.write_text(exploration(LANGS["ja"]).replace("総計", "Tổng cộng"), encoding="utf-8")
    e = sources.load(f)
    assert any("'Tổng cộng'" in n and "not a total label the kit knows" in n and "top" in n for n in e.notes)


def test_german_sheets_copy_with_semicolons_and_decimal_commas(tmp_path):
    # the layout of a German download saved again by a spreadsheet: ';', '67,8%', '1.200'
    f = tmp_path / "de.csv"
    f.write_text("# Property: Demo\n# Alle Nutzer\n"
                 "Sitzung – primäre Channelgruppe (Standard-Channelgruppe);Landingpage + Abfragestring;Sitzungen;"
                 "Sitzungen mit Interaktionen;Engagement-Rate;Durchschnittliche Interaktionsdauer pro Sitzung\n"
                 "Paid Search;/de/news?campaign=a;59;40;67,8%;83\n"
                 "Direct;/de/news?campaign=b;9;5;55,6%;45\n"
                 "Paid Search;/other;1.200;700;58,3%;12\n", encoding="utf-8")
    e = sources.load(f)
    assert e.kind == "ga4/report" and e.dimensions == ("channel", "landing_page")
    assert e.frame["sessions"].tolist() == [59, 9, 1200]
    assert e.frame["engagement_time"].tolist() == pytest.approx([59 * 83, 9 * 45, 1200 * 12])


@pytest.mark.parametrize("title,day,users,sessions", [
    ("Übersicht der Berichte", "N-ter Tag", "Aktive Nutzer", "Sitzungen"),
    ("Resumen de informes", "Día N", "Usuarios activos", "Sesiones"),
    ("レポートのスナップショット", "N 日目", "アクティブ ユーザー", "セッション"),
])
def test_home_export_is_refused_by_name_in_other_languages(tmp_path, title, day, users, sessions):
    f = tmp_path / "home.csv"
    f.write_text(f"# ----------------------------------------\n# {title}\n"
                 "# ----------------------------------------\n\n"
                 f"{day},{users}\n0000,120\n0001,131\n\n# ----------------------------------------\n\n"
                 f"Country,{sessions}\nFrance,300\nBelgium,80\n", encoding="utf-8")
    with pytest.raises(TrafficDataError, match="Home / Reports snapshot"):
        sources.load(f)


def test_italian_home_export_without_its_title_is_refused_by_its_cards(tmp_path):
    # the Italian overview download: one small table per card, no report among them
    f = tmp_path / "panoramica.csv"
    f.write_text("# ----------------------------------------\n# Account: Demo\n# Proprietà: demo.example\n"
                 "# ----------------------------------------\n#\n# Tutti gli utenti\n"
                 "# Data di inizio: 20261001\n# Data di fine: 20261007\n\n"
                 "N° giorno,Utenti attivi\n0000,120\n0001,131\n\n"
                 "N° giorno,Nuovi utenti\n0000,80\n0001,91\n\n"
                 "Gruppo di canali principale della sessione,Sessioni\nOrganic Search,401\nDirect,255\n\n"
                 "ID Paese,Utenti attivi\nIT,300\nCH,40\n\n"
                 "Nome evento,Conteggio eventi\npage_view,900\nsession_start,656\n", encoding="utf-8")
    with pytest.raises(TrafficDataError, match="Home / Reports snapshot.*5 small tables"):
        sources.load(f)


def test_portuguese_overview_with_a_preamble_per_card_is_refused_too(tmp_path):
    card = ("# ----------------------------------------\n# Data de início: 20260801\n# Data de término: 20260831\n"
            "# ----------------------------------------\n\n{header}\n{rows}\n\n")
    f = tmp_path / "resumo.csv"
    f.write_text(card.format(header="Nº dia,Usuários ativos", rows="0000,50\n0001,61")
                 + card.format(header="Grupo principal de canais da sessão,Sessões", rows="Direct,90\nOrganic Search,40")
                 + card.format(header="Nome do evento,Contagem de eventos", rows="page_view,300\nscroll,120"),
                 encoding="utf-8")
    with pytest.raises(TrafficDataError, match="Home / Reports snapshot"):
        sources.load(f)
