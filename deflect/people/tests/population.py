"""A deterministic synthetic population for person lookup: common US names (weighted roughly by
frequency), nicknames, middle names, aliases, phones in many formats, a few unidentified people.

The same seed always gives the same people; the lookup evaluation and the speed measurement
(``python -m deflect.people.tests.bench_search``) both build on it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from deflect.people import matching
from deflect.people.digests import phone_digest_columns
from deflect.people.models import Person, PersonAlias

# fmt: off
# (name, relative frequency); nickname-able names are common on purpose.
MALE_FIRST = [
    ("James", 33), ("Robert", 32), ("John", 32), ("Michael", 31), ("David", 27),
    ("William", 26), ("Richard", 20), ("Joseph", 19), ("Thomas", 18), ("Christopher", 17),
    ("Charles", 16), ("Daniel", 15), ("Matthew", 14), ("Anthony", 13), ("Mark", 12),
    ("Donald", 11), ("Steven", 11), ("Andrew", 10), ("Paul", 10), ("Joshua", 10),
    ("Kenneth", 9), ("Kevin", 9), ("Brian", 9), ("Timothy", 8), ("Ronald", 8),
    ("George", 8), ("Jason", 8), ("Edward", 7), ("Jeffrey", 7), ("Ryan", 7),
    ("Jacob", 7), ("Gary", 6), ("Nicholas", 6), ("Eric", 6), ("Jonathan", 6),
    ("Stephen", 6), ("Larry", 5), ("Justin", 5), ("Scott", 5), ("Brandon", 5),
    ("Benjamin", 5), ("Samuel", 5), ("Gregory", 5), ("Alexander", 5), ("Patrick", 4),
    ("Frank", 4), ("Raymond", 4), ("Jack", 4), ("Dennis", 4), ("Jerry", 4),
    ("Tyler", 4), ("Aaron", 4), ("Jose", 4), ("Adam", 4), ("Nathan", 3),
    ("Henry", 3), ("Zachary", 3), ("Douglas", 3), ("Peter", 3), ("Kyle", 3),
    ("Noah", 3), ("Ethan", 3), ("Jeremy", 3), ("Walter", 3), ("Christian", 3),
    ("Keith", 3), ("Roger", 3), ("Terry", 3), ("Austin", 2), ("Sean", 2),
    ("Gerald", 2), ("Carl", 2), ("Harold", 2), ("Dylan", 2), ("Arthur", 2),
    ("Lawrence", 2), ("Jordan", 2), ("Jesse", 2), ("Bryan", 2), ("Billy", 2),
    ("Bruce", 2), ("Gabriel", 2), ("Joe", 2), ("Logan", 2), ("Alan", 2),
    ("Juan", 2), ("Albert", 2), ("Willie", 2), ("Elijah", 2), ("Wayne", 2),
    ("Randy", 2), ("Vincent", 2), ("Mason", 2), ("Roy", 2), ("Ralph", 2),
    ("Bobby", 2), ("Russell", 2), ("Bradley", 2), ("Philip", 2), ("Eugene", 2),
    ("Luis", 2), ("Carlos", 2), ("Miguel", 1), ("Darnell", 1), ("Tyrone", 1),
    ("DeShawn", 1), ("Malik", 1), ("Hector", 1), ("Jamal", 1), ("Andre", 1),
]
FEMALE_FIRST = [
    ("Mary", 30), ("Patricia", 20), ("Jennifer", 20), ("Linda", 18), ("Elizabeth", 18),
    ("Barbara", 16), ("Susan", 15), ("Jessica", 14), ("Sarah", 13), ("Karen", 13),
    ("Lisa", 12), ("Nancy", 11), ("Betty", 10), ("Sandra", 10), ("Margaret", 10),
    ("Ashley", 10), ("Kimberly", 9), ("Emily", 9), ("Donna", 9), ("Michelle", 9),
    ("Carol", 8), ("Amanda", 8), ("Melissa", 8), ("Deborah", 8), ("Stephanie", 8),
    ("Dorothy", 7), ("Rebecca", 7), ("Sharon", 7), ("Laura", 7), ("Cynthia", 7),
    ("Amy", 6), ("Kathleen", 6), ("Angela", 6), ("Shirley", 6), ("Brenda", 6),
    ("Emma", 6), ("Anna", 5), ("Pamela", 5), ("Nicole", 5), ("Samantha", 5),
    ("Katherine", 5), ("Christine", 5), ("Debra", 5), ("Rachel", 5), ("Carolyn", 4),
    ("Janet", 4), ("Maria", 4), ("Olivia", 4), ("Heather", 4), ("Helen", 4),
    ("Catherine", 4), ("Diane", 4), ("Julie", 4), ("Victoria", 4), ("Joyce", 4),
    ("Lauren", 3), ("Kelly", 3), ("Christina", 3), ("Ruth", 3), ("Joan", 3),
    ("Virginia", 3), ("Judith", 3), ("Evelyn", 3), ("Hannah", 3), ("Andrea", 3),
    ("Megan", 3), ("Cheryl", 3), ("Jacqueline", 3), ("Madison", 3), ("Teresa", 3),
    ("Abigail", 2), ("Sophia", 2), ("Martha", 2), ("Sara", 2), ("Gloria", 2),
    ("Janice", 2), ("Kathryn", 2), ("Ann", 2), ("Isabella", 2), ("Judy", 2),
    ("Charlotte", 2), ("Julia", 2), ("Grace", 2), ("Amber", 2), ("Alice", 2),
    ("Jean", 2), ("Denise", 2), ("Frances", 2), ("Danielle", 2), ("Marilyn", 2),
    ("Natalie", 2), ("Beverly", 2), ("Diana", 2), ("Brittany", 2), ("Theresa", 2),
    ("Kayla", 2), ("Alexis", 2), ("Doris", 2), ("Lori", 2), ("Tiffany", 2),
    ("Rosa", 1), ("Guadalupe", 1), ("Latoya", 1), ("Keisha", 1), ("Tamika", 1),
]
LAST = [
    ("Smith", 828), ("Johnson", 655), ("Williams", 550), ("Brown", 487), ("Jones", 483),
    ("Garcia", 404), ("Miller", 393), ("Davis", 380), ("Rodriguez", 370), ("Martinez", 359),
    ("Hernandez", 345), ("Lopez", 303), ("Gonzalez", 298), ("Wilson", 281), ("Anderson", 279),
    ("Thomas", 270), ("Taylor", 265), ("Moore", 245), ("Jackson", 241), ("Martin", 240),
    ("Lee", 232), ("Perez", 230), ("Thompson", 226), ("White", 225), ("Harris", 212),
    ("Sanchez", 209), ("Clark", 189), ("Ramirez", 188), ("Lewis", 181), ("Robinson", 178),
    ("Walker", 176), ("Young", 166), ("Allen", 165), ("King", 163), ("Wright", 161),
    ("Scott", 156), ("Torres", 155), ("Nguyen", 154), ("Hill", 153), ("Flores", 151),
    ("Green", 151), ("Adams", 148), ("Nelson", 148), ("Baker", 144), ("Hall", 142),
    ("Rivera", 141), ("Campbell", 138), ("Mitchell", 137), ("Carter", 134), ("Roberts", 134),
    ("Gomez", 120), ("Phillips", 119), ("Evans", 119), ("Turner", 117), ("Diaz", 117),
    ("Parker", 117), ("Cruz", 116), ("Edwards", 115), ("Collins", 115), ("Reyes", 114),
    ("Stewart", 113), ("Morris", 111), ("Morales", 110), ("Murphy", 108), ("Cook", 107),
    ("Rogers", 106), ("Gutierrez", 103), ("Ortiz", 102), ("Morgan", 101), ("Cooper", 100),
    ("Peterson", 99), ("Bailey", 99), ("Reed", 98), ("Kelly", 97), ("Howard", 97),
    ("Ramos", 96), ("Kim", 95), ("Cox", 94), ("Ward", 94), ("Richardson", 93),
    ("Watson", 92), ("Brooks", 92), ("Chavez", 91), ("Wood", 91), ("James", 90),
    ("Bennett", 90), ("Gray", 89), ("Mendoza", 88), ("Ruiz", 87), ("Hughes", 86),
    ("Price", 86), ("Alvarez", 85), ("Castillo", 84), ("Sanders", 84), ("Patel", 83),
    ("Myers", 82), ("Long", 82), ("Ross", 81), ("Foster", 81), ("Jimenez", 80),
    ("Powell", 78), ("Jenkins", 77), ("Perry", 76), ("Russell", 76), ("Sullivan", 75),
    ("Bell", 75), ("Coleman", 74), ("Butler", 73), ("Henderson", 72), ("Barnes", 72),
    ("Gonzales", 71), ("Fisher", 70), ("Vasquez", 70), ("Simmons", 69), ("Romero", 69),
    ("Jordan", 68), ("Patterson", 68), ("Alexander", 67), ("Hamilton", 66), ("Graham", 66),
    ("Reynolds", 65), ("Griffin", 65), ("Wallace", 64), ("Moreno", 64), ("West", 63),
    ("Cole", 63), ("Hayes", 63), ("Bryant", 62), ("Herrera", 62), ("Gibson", 61),
    ("Ellis", 61), ("Tran", 60), ("Medina", 60), ("Aguilar", 59), ("Stevens", 59),
    ("Murray", 58), ("Ford", 58), ("Castro", 58), ("Marshall", 57), ("Owens", 57),
    ("Harrison", 56), ("Fernandez", 56), ("McDonald", 56), ("Woods", 55), ("Washington", 55),
    ("Kennedy", 54), ("Wells", 54), ("Vargas", 53), ("Henry", 53), ("Chen", 53),
    ("Freeman", 52), ("Webb", 52), ("Tucker", 52), ("Guzman", 51), ("Burns", 51),
    ("Crawford", 51), ("Olson", 50), ("Simpson", 50), ("Porter", 50), ("Hunter", 50),
    ("Gordon", 49), ("Mendez", 49), ("Silva", 49), ("Shaw", 48), ("Snyder", 48),
    ("Mason", 48), ("Dixon", 47), ("Munoz", 47), ("Hunt", 47), ("Hicks", 46),
    ("Holmes", 46), ("Palmer", 46), ("Wagner", 45), ("Black", 45), ("Robertson", 45),
    ("Boyd", 44), ("Rose", 44), ("Stone", 44), ("Salazar", 44), ("Fox", 43),
    ("Warren", 43), ("Mills", 43), ("Meyer", 42), ("Rice", 42), ("Schmidt", 42),
    ("Garza", 42), ("Daniels", 41), ("Ferguson", 41), ("Nichols", 41), ("Stephens", 40),
    ("Soto", 40), ("Weaver", 40), ("Ryan", 40), ("Gardner", 39), ("Payne", 39),
    ("Grant", 39), ("Dunn", 39), ("Kelley", 38), ("Spencer", 38), ("Hawkins", 38),
    ("Arnold", 38), ("Pierce", 37), ("Vazquez", 37), ("Hansen", 37), ("Peters", 37),
    ("Santos", 36), ("Hart", 36), ("Bradley", 36), ("Knight", 36), ("Elliott", 36),
    ("Cunningham", 35), ("Duncan", 35), ("Armstrong", 35), ("Hudson", 35), ("Carroll", 35),
    ("Lane", 34), ("Riley", 34), ("Andrews", 34), ("Alvarado", 34), ("Ray", 34),
    ("Delgado", 33), ("Berry", 33), ("Perkins", 33), ("Hoffman", 33), ("Johnston", 33),
    ("Matthews", 32), ("Pena", 32), ("Richards", 32), ("Contreras", 32), ("Willis", 32),
    ("Carpenter", 31), ("Lawrence", 31), ("Sandoval", 31), ("Guerrero", 30), ("George", 30),
    ("Chapman", 30), ("Rios", 30), ("Estrada", 30), ("Ortega", 30), ("Watkins", 30),
    ("Greene", 29), ("Nunez", 29), ("Wheeler", 29), ("Valdez", 29), ("Harper", 29),
    ("Burke", 28), ("Larson", 28), ("Santiago", 28), ("Maldonado", 28), ("Morrison", 28),
    ("Franklin", 27), ("Carlson", 27), ("Austin", 27), ("Dominguez", 27), ("Carr", 27),
    ("Lawson", 26), ("Jacobs", 26), ("O'Brien", 26), ("Lynch", 26), ("Singh", 26),
    ("Vega", 25), ("Bishop", 25), ("Montgomery", 25), ("Oliver", 25), ("Jensen", 25),
    ("Harvey", 24), ("Williamson", 24), ("Gilbert", 24), ("Dean", 24), ("Sims", 24),
    ("Espinoza", 23), ("Howell", 23), ("Li", 23), ("Wong", 23), ("Reid", 23),
    ("Hanson", 22), ("Le", 22), ("McCoy", 22), ("Garrett", 22), ("Burton", 22),
    ("Fuller", 21), ("Wang", 21), ("Weber", 21), ("Welch", 21), ("Rojas", 21),
    ("Lucas", 20), ("Marquez", 20), ("Fields", 20), ("Park", 20), ("Yang", 20),
    ("Little", 19), ("Banks", 19), ("Padilla", 19), ("Day", 19), ("Walsh", 19),
    ("Bowman", 18), ("Schultz", 18), ("Luna", 18), ("Fowler", 18), ("Mejia", 18),
    ("Davidson", 17), ("Acosta", 17), ("Brewer", 17), ("May", 17), ("Holland", 17),
    ("Juarez", 16), ("Newman", 16), ("Pearson", 16), ("Curtis", 16), ("Cortez", 16),
    ("Douglas", 15), ("Schneider", 15), ("Joseph", 15), ("Barrett", 15), ("Navarro", 15),
    ("Figueroa", 14), ("Keller", 14), ("Avila", 14), ("Wade", 14), ("Molina", 14),
    ("Stanley", 13), ("Hopkins", 13), ("Campos", 13), ("Barnett", 13), ("Bates", 13),
    ("Chambers", 12), ("Caldwell", 12), ("Beck", 12), ("Lambert", 12), ("Miranda", 12),
    ("Byrd", 11), ("Craig", 11), ("Ayala", 11), ("Lowe", 11), ("Frazier", 11),
    ("Powers", 10), ("Neal", 10), ("Leonard", 10), ("Gregory", 10), ("Carrillo", 10),
    ("Sutton", 9), ("Fleming", 9), ("Rhodes", 9), ("Shelton", 9), ("Schwartz", 9),
    ("Norris", 8), ("Jennings", 8), ("Watts", 8), ("Duran", 8), ("Walters", 8),
    ("Cohen", 7), ("McDaniel", 7), ("Moran", 7), ("Parks", 7), ("Steele", 7),
    ("Vaughn", 6), ("Becker", 6), ("Holt", 6), ("DeLeon", 6), ("Barker", 6),
    ("Terry", 5), ("Hale", 5), ("Leon", 5), ("Gill", 5), ("Benson", 5),
    ("Haynes", 4), ("Horton", 4), ("Miles", 4), ("Lyons", 4), ("Pham", 4),
    ("Graves", 3), ("Bush", 3), ("Thornton", 3), ("Wolfe", 3), ("Warner", 3),
    ("Kowalczyk", 2), ("Abernathy", 2), ("Okonkwo", 2), ("Nakamura", 2), ("Fitzgerald", 2),
    ("Garcia Lopez", 2), ("Smith-Jones", 1), ("Ruiz-Vega", 1), ("Van Buren", 1), ("St. John", 1),
]
# The nicknames people give at intake, for the common names above.
NICKNAMES = {
    "James": ["Jim", "Jimmy", "Jamie"], "Robert": ["Bob", "Rob", "Bobby", "Robby"],
    "John": ["Johnny", "Jack"], "Michael": ["Mike", "Mikey", "Mick"], "David": ["Dave", "Davey"],
    "William": ["Bill", "Will", "Billy", "Willie"], "Richard": ["Rick", "Dick", "Rich", "Ricky"],
    "Joseph": ["Joe", "Joey"], "Thomas": ["Tom", "Tommy"], "Christopher": ["Chris"],
    "Charles": ["Charlie", "Chuck"], "Daniel": ["Dan", "Danny"], "Matthew": ["Matt"],
    "Anthony": ["Tony"], "Donald": ["Don", "Donny"], "Steven": ["Steve"],
    "Andrew": ["Andy", "Drew"], "Joshua": ["Josh"], "Kenneth": ["Ken", "Kenny"],
    "Timothy": ["Tim", "Timmy"], "Ronald": ["Ron", "Ronnie"], "Edward": ["Ed", "Eddie", "Ted"],
    "Jacob": ["Jake"], "Nicholas": ["Nick", "Nicky"], "Jonathan": ["Jon", "Nathan"],
    "Gregory": ["Greg"], "Alexander": ["Alex", "Al", "Sandy"], "Samuel": ["Sam", "Sammy"],
    "Benjamin": ["Ben", "Benny"], "Patrick": ["Pat"], "Raymond": ["Ray"], "Lawrence": ["Larry"],
    "Gerald": ["Jerry"], "Zachary": ["Zach"],
    "Elizabeth": ["Liz", "Beth", "Betty", "Lizzie", "Eliza"],
    "Patricia": ["Pat", "Patty", "Trish"], "Jennifer": ["Jen", "Jenny"],
    "Margaret": ["Peggy", "Maggie", "Meg"], "Susan": ["Sue", "Susie"],
    "Deborah": ["Deb", "Debbie"], "Rebecca": ["Becky", "Becca"], "Jessica": ["Jess", "Jessie"],
    "Samantha": ["Sam", "Sammy"], "Katherine": ["Kate", "Kathy"], "Kathleen": ["Kathy", "Kate"],
    "Catherine": ["Cathy", "Kate"], "Kimberly": ["Kim"], "Christine": ["Chris", "Chrissy"],
    "Pamela": ["Pam"], "Cynthia": ["Cindy"], "Stephanie": ["Steph"],
    "Victoria": ["Vicky", "Tori"], "Abigail": ["Abby"], "Dorothy": ["Dot", "Dottie"],
    "Barbara": ["Barb", "Babs"], "Judith": ["Judy"],
}
STREET_NAMES = [
    "Shorty", "Red", "Tiny", "Smoke", "Junior", "Slim", "Bones", "Sunny", "Lucky", "Dutch",
    "Boo", "Peanut", "Ace", "Tex", "Skip", "Moose", "Spike", "Cookie", "Doc", "Ziggy",
]
# fmt: on
AREA_CODES = ["614", "740", "937", "513", "419", "330"]
FIRST_DAY = date(1950, 1, 1)
LAST_DAY = date(2006, 12, 31)


@dataclass
class PersonSpec:
    first_name: str = ""
    middle_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    age_estimate: int | None = None
    phone: str = ""
    aliases: list[tuple[str, str]] = field(default_factory=list)
    is_unidentified: bool = False
    description: str = ""


def _weighted(rng: random.Random, table: list[tuple[str, int]]) -> str:
    names, weights = zip(*table, strict=True)
    return rng.choices(names, weights=weights)[0]


def format_phone(digits: str, style: int) -> str:
    area, exchange, line = digits[:3], digits[3:6], digits[6:]
    return [
        f"({area}) {exchange}-{line}",
        f"{area}-{exchange}-{line}",
        f"+1 {area} {exchange} {line}",
        f"{area}{exchange}{line}",
        f"{area}.{exchange}.{line}",
        f"1-{area}-{exchange}-{line}",
    ][style % 6]


def person_spec(rng: random.Random) -> PersonSpec:
    spec = PersonSpec()
    if rng.random() < 0.02:
        spec.is_unidentified = True
        spec.description = rng.choice(
            ["Man, about 40, red jacket", "Woman, 30s, grey hoodie", "Older man, beard, cane"]
        )
        spec.age_estimate = rng.randint(20, 70)
        return spec
    female = rng.random() < 0.45
    canonical = _weighted(rng, FEMALE_FIRST if female else MALE_FIRST)
    spec.first_name = canonical
    if canonical in NICKNAMES and rng.random() < 0.15:
        spec.first_name = rng.choice(NICKNAMES[canonical])
    if rng.random() < 0.3:
        spec.middle_name = _weighted(rng, FEMALE_FIRST if female else MALE_FIRST)
    spec.last_name = _weighted(rng, LAST)
    if rng.random() < 0.93:
        spec.date_of_birth = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
    else:
        spec.age_estimate = rng.randint(18, 75)
    if rng.random() < 0.55:
        digits = rng.choice(AREA_CODES) + f"{rng.randint(200, 999)}{rng.randint(0, 9999):04d}"
        spec.phone = format_phone(digits, rng.randrange(6))
    if rng.random() < 0.06:
        spec.aliases.append((rng.choice(STREET_NAMES), ""))
    if rng.random() < 0.03:
        spec.aliases.append((spec.first_name, _weighted(rng, LAST)))
    return spec


def population(size: int, *, seed: int = 2031) -> list[PersonSpec]:
    rng = random.Random(seed)
    return [person_spec(rng) for _ in range(size)]


def load(specs: list[PersonSpec], *, program, batch_size: int = 2000) -> list[int]:
    """Insert the people (keys computed as the services compute them); return their ids."""

    people = []
    for spec in specs:
        first_key, last_key = matching.person_search_keys(spec.first_name, spec.last_name)
        people.append(
            Person(
                program=program,
                first_name=spec.first_name,
                middle_name=spec.middle_name,
                last_name=spec.last_name,
                date_of_birth=spec.date_of_birth,
                age_estimate=spec.age_estimate,
                is_unidentified=spec.is_unidentified,
                description=spec.description,
                phone=spec.phone,
                **phone_digest_columns(spec.phone),
                first_key=first_key,
                last_key=last_key,
            )
        )
    created = Person.objects.bulk_create(people, batch_size=batch_size)
    ids = [p.pk for p in created]
    if any(pk is None for pk in ids):  # pragma: no cover - SQLite ≥ 3.35 and PostgreSQL return ids
        raise RuntimeError("bulk_create did not return ids")
    aliases = [
        PersonAlias(
            person_id=pk,
            first_name=first,
            last_name=last,
            first_key=matching.person_search_keys(first, last)[0],
            last_key=matching.person_search_keys(first, last)[1],
        )
        for pk, spec in zip(ids, specs, strict=True)
        for first, last in spec.aliases
    ]
    PersonAlias.objects.bulk_create(aliases, batch_size=batch_size)
    return ids
