"""The programme's places, organisations and themes, as its public texts give them (see
``load_worldcities``). Loading twice changes nothing."""

import datetime
from decimal import Decimal

from django.utils.text import slugify

from worldcities import versions

from .models import City, Country, Organisation, ThematicArea, Topic

D = datetime.date

# code, name, joined the EU, left the EU
COUNTRIES = [
    ("KR", "Republic of Korea", None, None),
    ("AU", "Australia", None, None),
    ("ZA", "South Africa", None, None),
    ("ID", "Indonesia", None, None),
    ("VN", "Vietnam", None, None),
    ("CN", "China", None, None),
    ("IN", "India", None, None),
    ("JP", "Japan", None, None),
    ("CA", "Canada", None, None),
    ("BE", "Belgium", D(1958, 1, 1), None),
    ("NL", "Netherlands", D(1958, 1, 1), None),
    ("IT", "Italy", D(1958, 1, 1), None),
    ("GB", "United Kingdom", D(1973, 1, 1), D(2020, 1, 31)),
    ("ES", "Spain", D(1986, 1, 1), None),
    ("AT", "Austria", D(1995, 1, 1), None),
    ("FI", "Finland", D(1995, 1, 1), None),
    ("CZ", "Czechia", D(2004, 5, 1), None),
    ("PL", "Poland", D(2004, 5, 1), None),
    ("SK", "Slovakia", D(2004, 5, 1), None),
    ("HR", "Croatia", D(2013, 7, 1), None),
]

# name, country, kind, latitude, longitude, time zone, population (rounded), profile
CITIES = [
    ("Brussels", "BE", "city", "50.85034", "4.35171", "Europe/Brussels", 1_200_000, ""),
    (
        "Seoul",
        "KR",
        "city",
        "37.56654",
        "126.97797",
        "Asia/Seoul",
        9_400_000,
        "Capital of the Republic of Korea; host of the launch meeting of the 2017–2018 edition.",
    ),
    ("Suwon", "KR", "city", "37.26357", "127.02860", "Asia/Seoul", 1_200_000, ""),
    (
        "Busan",
        "KR",
        "city",
        "35.17955",
        "129.07564",
        "Asia/Seoul",
        3_400_000,
        "Port city; host of the closing meeting of the 2017–2018 edition in Korea.",
    ),
    ("Gwangju", "KR", "city", "35.15955", "126.85260", "Asia/Seoul", 1_450_000, ""),
    ("Eindhoven", "NL", "city", "51.44164", "5.46972", "Europe/Amsterdam", 235_000, ""),
    ("Barcelona", "ES", "city", "41.38740", "2.16860", "Europe/Madrid", 1_620_000, ""),
    ("Tampere", "FI", "city", "61.49780", "23.76100", "Europe/Helsinki", 245_000, ""),
    ("Aberdeen", "GB", "city", "57.14970", "-2.09430", "Europe/London", 200_000, ""),
    ("Dundee", "GB", "city", "56.46200", "-2.97070", "Europe/London", 150_000, ""),
    ("Edinburgh", "GB", "city", "55.95330", "-3.18830", "Europe/London", 520_000, ""),
    ("Glasgow", "GB", "city", "55.86420", "-4.25180", "Europe/London", 630_000, ""),
    ("Inverness", "GB", "city", "57.47780", "-4.22470", "Europe/London", 48_000, ""),
    ("Perth", "GB", "city", "56.39500", "-3.43080", "Europe/London", 47_000, ""),
    ("Stirling", "GB", "city", "56.11650", "-3.93690", "Europe/London", 37_000, ""),
    (
        "Scottish Cities Alliance",
        "GB",
        "alliance",
        "56.11650",
        "-3.93690",
        "Europe/London",
        None,
        "An alliance of seven Scottish cities cooperating on investment and growth.",
    ),
    ("Belfast", "GB", "city", "54.59730", "-5.93010", "Europe/London", 345_000, ""),
    (
        "eThekwini",
        "ZA",
        "metro_region",
        "-29.85870",
        "31.02180",
        "Africa/Johannesburg",
        3_900_000,
        "Metropolitan municipality that includes Durban.",
    ),
    ("Bilbao", "ES", "city", "43.26300", "-2.93500", "Europe/Madrid", 345_000, ""),
    (
        "Cape Town",
        "ZA",
        "metro_region",
        "-33.92490",
        "18.42410",
        "Africa/Johannesburg",
        4_600_000,
        "",
    ),
    ("Graz", "AT", "city", "47.07070", "15.43950", "Europe/Vienna", 290_000, ""),
    (
        "Ekurhuleni",
        "ZA",
        "metro_region",
        "-26.14960",
        "28.33150",
        "Africa/Johannesburg",
        3_800_000,
        "",
    ),
    ("Málaga", "ES", "city", "36.72130", "-4.42140", "Europe/Madrid", 575_000, ""),
    (
        "Nelson Mandela Bay",
        "ZA",
        "metro_region",
        "-33.96080",
        "25.60220",
        "Africa/Johannesburg",
        1_200_000,
        "",
    ),
    ("Zagreb", "HR", "city", "45.81500", "15.98190", "Europe/Zagreb", 770_000, ""),
    ("Semarang", "ID", "city", "-6.96670", "110.41670", "Asia/Jakarta", 1_650_000, ""),
    ("Seville", "ES", "city", "37.38910", "-5.98450", "Europe/Madrid", 685_000, ""),
    ("Makassar", "ID", "city", "-5.14770", "119.43270", "Asia/Makassar", 1_500_000, ""),
    ("Milan", "IT", "city", "45.46420", "9.19000", "Europe/Rome", 1_370_000, ""),
    ("Hanoi", "VN", "city", "21.02780", "105.83420", "Asia/Ho_Chi_Minh", 8_000_000, ""),
    ("Košice", "SK", "city", "48.71640", "21.26110", "Europe/Bratislava", 230_000, ""),
    ("Ho Chi Minh City", "VN", "city", "10.82310", "106.62970", "Asia/Ho_Chi_Minh", 9_000_000, ""),
    ("Katowice", "PL", "city", "50.26490", "19.02380", "Europe/Warsaw", 290_000, ""),
    ("Hobart", "AU", "city", "-42.88210", "147.32720", "Australia/Hobart", 250_000, ""),
    ("Prague", "CZ", "city", "50.07550", "14.43780", "Europe/Prague", 1_300_000, ""),
    ("Canberra", "AU", "city", "-35.28090", "149.13000", "Australia/Sydney", 460_000, ""),
]

# Districts: name, part of, latitude, longitude, population
DISTRICTS = [("Songpa-gu", "Seoul", "37.51450", "127.10590", 660_000)]

SCOTTISH_CITIES = ["Aberdeen", "Dundee", "Edinburgh", "Glasgow", "Inverness", "Perth", "Stirling"]

# name, kind, sector, city
ORGANISATIONS = [
    (
        "European Commission, DG Regional and Urban Policy (DG REGIO)",
        "eu_institution",
        "government",
        "Brussels",
    ),
    (
        "Delegation of the European Union to the Republic of Korea",
        "eu_delegation",
        "government",
        "Seoul",
    ),
    ("CityNet", "implementing_partner", "civil_society", "Seoul"),
    ("Ramboll", "implementing_partner", "business", None),
    ("Seoul Metropolitan Government", "municipality", "government", "Seoul"),
    ("Songpa-gu District Office", "municipality", "government", "Songpa-gu"),
    ("Suwon City", "municipality", "government", "Suwon"),
    ("Busan Metropolitan City", "municipality", "government", "Busan"),
    ("Gwangju Metropolitan City", "municipality", "government", "Gwangju"),
    ("City of Eindhoven", "municipality", "government", "Eindhoven"),
    ("Barcelona City Council", "municipality", "government", "Barcelona"),
    ("City of Tampere", "municipality", "government", "Tampere"),
    ("Scottish Cities Alliance", "municipality", "government", "Scottish Cities Alliance"),
]

# The four thematic areas of the Korean launch meeting and their topics.
THEMATIC_AREAS = [
    ("Smart City", ["Transportation", "ICT", "Safety"]),
    ("Urban Economy", ["Innovation", "Clusters", "Start-ups"]),
    ("Climate Change", ["Low carbon", "Green energy", "Resilience"]),
    ("Urban Regeneration", ["Cultural heritage", "Green spaces", "Affordable housing"]),
]


def load() -> dict[str, int]:
    countries = {}
    for code, name, joined, left in COUNTRIES:
        countries[code], _ = Country.objects.update_or_create(
            code=code, defaults={"name": name, "eu_joined": joined, "eu_left": left}
        )

    cities = {}
    for name, code, kind, lat, lon, tz, population, profile in CITIES:
        cities[name], _ = City.objects.update_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "country": countries[code],
                "kind": kind,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "time_zone": tz,
                "population": population,
                "profile": profile,
            },
        )
    for name, parent, lat, lon, population in DISTRICTS:
        cities[name], _ = City.objects.update_or_create(
            slug=slugify(name),
            defaults={
                "name": name,
                "country": cities[parent].country,
                "kind": City.Kind.DISTRICT,
                "parent": cities[parent],
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "time_zone": cities[parent].time_zone,
                "population": population,
            },
        )
    cities["Scottish Cities Alliance"].members.set([cities[n] for n in SCOTTISH_CITIES])

    for name, kind, sector, city in ORGANISATIONS:
        Organisation.objects.update_or_create(
            name=name, defaults={"kind": kind, "sector": sector, "city": cities.get(city)}
        )

    for area_order, (area_name, topics) in enumerate(THEMATIC_AREAS):
        area, _ = ThematicArea.objects.update_or_create(
            slug=slugify(area_name), defaults={"name": area_name, "order": area_order}
        )
        for topic_order, topic_name in enumerate(topics):
            Topic.objects.update_or_create(
                area=area,
                slug=slugify(topic_name),
                defaults={"name": topic_name, "order": topic_order},
            )
    versions.bump("cities", *(f"city:{pk}" for pk in City.objects.values_list("pk", flat=True)))
    return {
        "countries": Country.objects.count(),
        "cities": City.objects.count(),
        "organisations": Organisation.objects.count(),
        "topics": Topic.objects.count(),
    }
