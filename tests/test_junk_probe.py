"""A probe of junk in eight languages: every kind the rules describe, in invented stories.

Each language has a short story (headline and three paragraphs) and junk lines of the kinds
news pages carry: breadcrumbs, menus and bylines above the headline, pointers, credits,
stamps and ads inside the story, bylines, closing tags, source notes, calls to action, tags
and comment prompts below it. Wherever a junk line stands, no line of the story may be lost;
in its own place (above, between two paragraphs, below) every one goes byte for byte, and
every dateline goes from the lead. The texts are ours; the shapes are those of
../shared/devpages (README, "Categories").
"""

from __future__ import annotations

from functools import cache

import pytest

from cleankit.core.chain import Chain
from cleankit.core.document import Document
from cleankit.run import default_chain

STORIES = {
    "id": (
        "Warga Desa Sukamaju Gotong Royong Bersihkan Saluran Irigasi",
        "Ratusan warga Desa Sukamaju bergotong royong membersihkan saluran irigasi yang tersumbat lumpur sejak musim hujan lalu.",
        "Kepala desa mengatakan kegiatan ini rutin digelar setiap bulan agar sawah warga tidak kekurangan air saat kemarau tiba.",
        "Selain membersihkan saluran, warga juga menanam pohon di sepanjang tanggul untuk mencegah longsor di musim berikutnya.",
    ),
    "ms": (
        "Penduduk Kampung Seri Aman Bersihkan Longkang Selepas Banjir",
        "Lebih 200 penduduk Kampung Seri Aman turun padang membersihkan longkang yang tersumbat selepas banjir kilat minggu lalu.",
        "Ketua kampung berkata aktiviti gotong-royong itu dianjurkan bersama pihak berkuasa tempatan dan badan bukan kerajaan.",
        "Beliau berharap langkah tersebut dapat mengurangkan risiko banjir berulang apabila musim tengkujuh tiba hujung tahun ini.",
    ),
    "en": (
        "Town Council Approves New Footbridge Over River",
        "The town council voted on Tuesday to build a new footbridge over the river, ending a decade of debate among residents.",
        "Construction is expected to begin next spring and will cost about 2 million dollars, the council's finance officer said.",
        "Residents who spoke at the meeting said the bridge would cut their walk to the station by more than twenty minutes.",
    ),
    "pt": (
        "Prefeitura inaugura nova ponte sobre o rio",
        "A prefeitura inaugurou nesta terça-feira uma nova ponte sobre o rio, encerrando anos de espera dos moradores da região.",
        "A obra custou cerca de 2 milhões de reais e deve reduzir o trânsito no centro da cidade, segundo o secretário de obras.",
        "Moradores que participaram da cerimônia disseram que a travessia vai encurtar em vinte minutos o caminho até a estação.",
    ),
    "es": (
        "El ayuntamiento aprueba un nuevo puente peatonal",
        "El ayuntamiento aprobó este martes la construcción de un nuevo puente peatonal sobre el río, tras una década de debate vecinal.",
        "Las obras comenzarán la próxima primavera y costarán unos dos millones de euros, según explicó el concejal de Hacienda.",
        "Los vecinos que intervinieron en el pleno aseguraron que el puente acortará en veinte minutos su camino hasta la estación.",
    ),
    "fr": (
        "La mairie approuve une nouvelle passerelle sur la rivière",
        "Le conseil municipal a voté mardi la construction d'une nouvelle passerelle sur la rivière, après dix ans de débats.",
        "Les travaux devraient commencer au printemps prochain et coûter environ deux millions d'euros, selon l'adjoint aux finances.",
        "Les habitants présents à la séance ont assuré que la passerelle raccourcirait de vingt minutes leur trajet vers la gare.",
    ),
    "de": (
        "Stadtrat beschließt neue Fußgängerbrücke über den Fluss",
        "Der Stadtrat hat am Dienstag den Bau einer neuen Fußgängerbrücke über den Fluss beschlossen und damit einen jahrelangen Streit beendet.",
        "Die Bauarbeiten sollen im kommenden Frühjahr beginnen und rund zwei Millionen Euro kosten, sagte der Kämmerer der Stadt.",
        "Anwohner, die an der Sitzung teilnahmen, sagten, die Brücke verkürze ihren Weg zum Bahnhof um mehr als zwanzig Minuten.",
    ),
    "pl": (
        "Rada miasta zatwierdziła budowę nowej kładki nad rzeką",
        "Radni miasta zagłosowali we wtorek za budową nowej kładki dla pieszych nad rzeką, kończąc wieloletni spór mieszkańców.",
        "Prace mają ruszyć wiosną przyszłego roku i kosztować około dwóch milionów złotych, poinformował skarbnik miasta.",
        "Mieszkańcy obecni na sesji mówili, że kładka skróci ich drogę na dworzec o ponad dwadzieścia minut.",
    ),
}

DATELINES = {
    "id": [
        "JAKARTA, BERITAKITA.COM - ",
        "Beritakita.com, Bandung - ",
        "SURABAYA (Antara) - ",
        "Malang -- ",
        "MEDAN: ",
        "Semarang, 27 Okt (Antara) - ",
        "KOTA BARU – ",
        "Banda Aceh—",
        "PALU, Beritakita - ",
        "BERITAKITA.COM - ",
    ],
    "ms": ["KUALA LUMPUR: ", "SHAH ALAM - ", "IPOH, 3 Nov (Bernama) -- ", "Kota Bharu: "],
    "en": [
        "LONDON (Reuters) - ",
        "WASHINGTON — ",
        "(NEW YORK) — ",
        "SYDNEY, Nov 3 (AAP) - ",
        "Springfield, Ill. – ",
        "DALLAS — ",
    ],
    "pt": ["SÃO PAULO — ", "Rio de Janeiro (Agência Brasil) – ", "BRASÍLIA - "],
    "es": ["MADRID, 5 Nov. (EUROPA PRESS) - ", "BOGOTÁ.- ", "Sevilla, 3 nov (EFE).- "],
    "fr": ["PARIS (AFP) - ", "LYON — ", "Genève (ATS) - "],
    "de": ["BERLIN (dpa) - ", "München – ", "Hamburg (dpa/lno) - "],
    "pl": ["WARSZAWA (PAP) - ", "Kraków – ", "Poznań, 3 listopada (PAP) - "],
}

INSIDE = {
    "id": [
        "Baca Juga: Harga Cabai Naik Jelang Lebaran",
        "BACA JUGA : Polisi Tangkap Pencuri Motor di Pasar",
        "Baca juga:Banjir Rendam Tiga Kecamatan",
        "Simak Juga: Video Banjir di Bekasi",
        "Lihat juga: Jadwal Kereta Mudik 2025",
        "Foto: Dok. Humas Pemkab",
        "(Foto: ANTARA/Budi Santoso)",
        "Ilustrasi saluran irigasi. (Foto: istimewa)",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
        "Iklan",
        "Senin, 3 November 2025 | 14:32 WIB",
        "Diperbarui 3 Nov 2025, 14:32 WIB",
        "Dibaca 1.234 kali",
        "SCROLL TO RESUME CONTENT",
        "Lihat Foto",
        "Konten Sponsor",
        "Lanjutkan Membaca",
        "Pilihan Redaksi",
        "(Dok. Istimewa)",
        "Sumber foto: Instagram @akunwarga",
    ],
    "ms": [
        "BACA: Kerajaan umum bantuan tambahan untuk mangsa",
        "Artikel Berkaitan: Hujan lebat dijangka berterusan",
        "Baca juga: Jalan utama ditutup sementara",
        "Gambar: Bernama",
        "FOTO: Ihsan PBT",
        "Iklan",
        "Teruskan membaca di bawah",
        "Gambar hiasan",
        "Sumber gambar: Facebook",
    ],
    "en": [
        "READ MORE: Council delays vote on parking fees",
        "Related: Bridge plan divides neighbours",
        "SEE ALSO: Five things to know about the budget",
        "Also read: River levels fall after storm",
        "Photo: Reuters/John Smith",
        "Image copyright Getty Images",
        "(Reuters/File Photo)",
        "ADVERTISEMENT",
        "- Advertisement -",
        "Updated: Nov. 3, 2025 2:32 p.m. ET",
        "Published 3 hours ago",
        "5 min read",
        "Story continues below advertisement",
        "Advertisement - scroll to continue reading",
        "RELATED STORY: Bridge plan divides neighbours",
        "Continue reading the main story",
        "Click to enlarge",
        "Photograph: Jane Doe/Reuters",
        "(Photo by John Smith/Getty Images)",
    ],
    "pt": [
        "Leia também: Chuva forte alaga ruas do centro",
        "LEIA MAIS: Prefeito anuncia novas obras",
        "Foto: Agência Brasil",
        "Publicidade",
        "Atualizado em 03/11/2025 14h32",
        "Ouça este conteúdo",
        "Tempo de leitura: 3 min",
    ],
    "es": [
        "Lee también: Las lluvias cortan la carretera",
        "LEA TAMBIÉN: El alcalde presenta el presupuesto",
        "Te puede interesar: Cinco claves del pleno",
        "Foto: EFE",
        "Publicidad",
        "Actualizado: 03/11/2025 14:32 h",
        "Sigue leyendo",
        "Contenido patrocinado",
        "Vea también: El alcalde presenta su plan",
        "Fotografía: EFE",
    ],
    "fr": [
        "Lire aussi : Les pluies coupent la route",
        "À lire aussi : Le maire présente son budget",
        "Photo : AFP",
        "Publicité",
        "Mis à jour le 03/11/2025 à 14h32",
        "Publicité - La suite ci-dessous",
        "Écouter cet article",
        "Crédit : Jean Dupont",
        "Temps de lecture : 3 min",
    ],
    "de": [
        "Lesen Sie auch: Starkregen sperrt Landstraße",
        "Mehr zum Thema: Was der Haushalt bringt",
        "Bild: dpa",
        "Anzeige",
        "Aktualisiert am 03.11.2025, 14:32 Uhr",
        "Weiterlesen nach der Anzeige",
        "Artikel wird unter der Anzeige fortgesetzt",
        "Zur Startseite",
        "Hören Sie den Artikel",
    ],
    "pl": [
        "Czytaj także: Ulewy zalały centrum miasta",
        "ZOBACZ RÓWNIEŻ: Nowe rondo na obwodnicy",
        "Fot. PAP/Jan Kowalski",
        "fot. Jan Kowalski / Agencja Miejska",
        "Zdjęcie ilustracyjne",
        "Źródło zdjęcia: PAP",
        "Reklama",
        "Czas czytania: 3 min",
        "Czytaj więcej pod reklamą",
        "Artykuł jest kontynuowany poniżej",
    ],
}

BELOW = {
    "id": [
        "Pewarta: Budi Santoso",
        "Editor: Rina",
        "Reporter: Ahmad | Editor: Dewi",
        "Penulis: Andi Wijaya",
        "(red)",
        "(*)",
        "(ant/rin)",
        "Sumber: Antara",
        'Artikel ini telah tayang di Beritakita.com dengan judul "Warga Gotong Royong Bersihkan Saluran"',
        "Ikuti berita terkini dari Beritakita di Google News, klik di sini",
        "Dapatkan update berita pilihan setiap hari. Gabung di saluran WhatsApp kami.",
        "Bagikan: Facebook Twitter WhatsApp",
        "Tags: banjir, irigasi, desa",
        "Tag: #Banjir #Irigasi",
        "Komentar",
        "Tulis komentar",
        "Simpan nama, email, dan situs web saya pada peramban ini untuk komentar saya berikutnya.",
        'Dapatkan update berita pilihan setiap hari dari Beritakita. Mari bergabung di Grup Telegram "Beritakita Update", klik tautan berikut.',
        "Simak berita dan artikel lainnya di Google News",
        "Jangan lewatkan berita menarik lainnya hanya di Beritakita.com",
    ],
    "ms": [
        "– Bernama",
        "Oleh: Aminah Yusof",
        "Sumber: Bernama",
        "Ikuti kami di Telegram untuk berita terkini",
        "Kongsi artikel ini",
        "Komen",
        "Alamat e-mel anda tidak akan disiarkan. Medan diperlukan ditanda *",
        "Artikel ini disiarkan pertama kali oleh Berita Kampung",
    ],
    "en": [
        "Reporting by John Smith; Editing by Jane Doe",
        "Additional reporting by Maria Lopez in Madrid",
        "Jane Doe contributed to this report.",
        "Write to John Smith at john.smith@example.com",
        "END",
        "SOURCE: Reuters",
        "This article first appeared on The Conversation.",
        "Follow us on Google News",
        "Share this article",
        "Tags: bridge, council, river",
        "Leave a Reply",
        "0 Comments",
        "By Andrew Miles, Staff Writer",
        "Comments are closed.",
        "Get the latest headlines delivered to your inbox every morning.",
        "This story was originally published by The Riverside Gazette.",
        "Got a story? Contact our newsroom at news@riversidegazette.example",
        "Distributed by Tribune Content Agency, LLC.",
    ],
    "pt": [
        "Com informações da Agência Brasil",
        "Fonte: G1",
        "Siga-nos no Instagram",
        "Compartilhe esta notícia",
        "Deixe seu comentário",
        "Por Redação",
        "Receba as notícias do Jornal da Cidade no seu WhatsApp",
        "O seu endereço de e-mail não será publicado. Campos obrigatórios são marcados com *",
        "Siga o Jornal da Cidade no Google Notícias",
        "Artigo publicado originalmente no Jornal da Cidade.",
    ],
    "es": [
        "Con información de EFE",
        "Fuente: EFE",
        "Síguenos en Twitter",
        "Comparte esta noticia",
        "Deja tu comentario",
        "Por Redacción",
        "Recibe nuestra newsletter diaria en tu correo electrónico",
        "Este artículo fue publicado originalmente en The Conversation.",
    ],
    "fr": [
        "Avec AFP",
        "Source : AFP",
        "Suivez-nous sur Facebook",
        "Partager cet article",
        "Laisser un commentaire",
        "Par la rédaction",
        "Cet article est réservé aux abonnés. Abonnez-vous pour lire la suite.",
        "Cet article a été initialement publié sur The Conversation.",
    ],
    "de": [
        "Mit Material von dpa",
        "Quelle: dpa",
        "Folgen Sie uns auf Instagram",
        "Artikel teilen",
        "Kommentar schreiben",
        "Von Hans Müller",
        "Dieser Artikel erschien zuerst bei Stadtanzeiger.",
    ],
    "pl": [
        "Źródło: PAP",
        "oprac. Anna Nowak",
        "Udostępnij artykuł",
        "Dodaj komentarz",
        "Tagi: most, rada miasta, rzeka",
        "Bądź na bieżąco! Obserwuj nas w Wiadomościach Google.",
        "Artykuł ukazał się pierwotnie na portalu Gazeta Miasta.",
        "Polecane",
    ],
}

#: Page furniture above the headline: breadcrumbs, section menus, bylines with dates, login
#: and share buttons (shapes of ../shared/devpages, words of our own).
ABOVE = {
    "id": [
        "Beranda » Nasional » Daerah",
        "Oleh Budi Santoso - Senin, 3 November 2025 | 14:32 WIB",
        "Bagikan ke Facebook Bagikan ke Twitter",
        "Nasional | Internasional | Ekonomi | Olahraga | Hiburan",
        "Kamis, 06 Nov 2025 - 09:15 WIB",
    ],
    "ms": ["Utama » Berita » Semasa", "Dikemaskini: 3 November 2025, 2:32 ptg"],
    "en": [
        "Home / News / Local",
        "By Jane Doe | Published November 3, 2025 | Updated 2:32 p.m.",
        "Share on Facebook Share on Twitter Share via Email",
        "Posted: Nov 3, 2025 / 02:32 PM EST",
        "Sign in",
    ],
    "pt": ["Início > Notícias > Cidades", "Por Maria Silva — Rio de Janeiro"],
    "es": ["Inicio > Noticias > Local", "Por Juan Pérez - 3 nov 2025 - 14:32"],
    "fr": ["Accueil > Actualités > Local", "Par Jean Dupont - Publié le 03/11/2025 à 14h32"],
    "de": ["Startseite > Lokales > Stadt", "Von Hans Müller | 03.11.2025, 14:32 Uhr"],
    "pl": ["Strona główna > Wiadomości > Kraj", "Wiadomości | Sport | Biznes | Kultura"],
}


@cache
def _chain() -> Chain:
    return default_chain(corpus_level=False)  # built once: the probe runs it 1,500 times


def _clean(text: str, language: str) -> str:
    outcome = _chain()(Document(id="probe", text=text, language=language))
    return outcome.doc.text if outcome.doc is not None else ""


def _layouts(junk: str, story: tuple[str, str, str, str]) -> list[list[str]]:
    headline, lead, middle, last = story
    return [
        [junk, headline, lead, middle, last],
        [headline, junk, lead, middle, last],
        [headline, lead, junk, middle, last],
        [headline, lead, middle, junk, last],
        [headline, lead, middle, last, junk],
    ]


@pytest.mark.parametrize(
    ("language", "junk"),
    [(lang, junk) for lang in STORIES for junk in [*INSIDE[lang], *BELOW[lang]]],
)
def test_no_line_of_the_story_is_lost_wherever_junk_stands(language: str, junk: str) -> None:
    story = STORIES[language]
    for lines in _layouts(junk, story):
        for separator in ("\n\n", "\n"):
            cleaned = _clean(separator.join(lines), language)
            lost = [line for line in story if line not in cleaned]
            assert lost == [], (lines.index(junk), separator, cleaned)


@pytest.mark.parametrize(
    ("language", "dateline"), [(lang, d) for lang in STORIES for d in DATELINES[lang]]
)
def test_a_dateline_goes_from_the_lead_and_the_lead_stays(language: str, dateline: str) -> None:
    headline, lead, middle, last = STORIES[language]
    text = "\n\n".join([headline, dateline + lead, middle, last])
    assert _clean(text, language) == "\n\n".join(STORIES[language])


def _placed(where: str, junk: str, story: tuple[str, str, str, str]) -> list[str]:
    headline, lead, middle, last = story
    layouts = {
        "above": [junk, *story],
        "inside": [headline, lead, junk, middle, last],
        "below": [*story, junk],
    }
    return layouts[where]


@pytest.mark.parametrize(
    ("where", "language", "junk"),
    [
        (where, lang, junk)
        for where, table in (("above", ABOVE), ("inside", INSIDE), ("below", BELOW))
        for lang in STORIES
        for junk in table[lang]
    ],
)
def test_junk_goes_and_the_story_stays_byte_for_byte(where: str, language: str, junk: str) -> None:
    """Above the headline, between two paragraphs or below the story, the junk line goes."""
    text = "\n\n".join(_placed(where, junk, STORIES[language]))
    assert _clean(text, language) == "\n\n".join(STORIES[language])
