"""Model names in the case each admin phrase needs.

Django's admin builds its sentences by inserting a model's verbose name into a translated
template („Ištrinti pasirinktus %(verbose_name_plural)s", „Pridėti dar viena %(verbose_name)s",
„Naujas %(name)s"). Lithuanian needs the name in another case there (galininkas, kilmininkas),
and the words around it agree with the name's gender — which no catalogue can do. So each
model's Lithuanian forms are written here once, and the back office (site.LithuanianAdmin and
the templates in templates/admin/) writes the phrases that insert a model's name from them.

Used only when the active language is Lithuanian; in another language Django's own phrases
stand (they need no cases). A model missing here falls back to Django's phrase as well, and
test_declension fails, so a newly registered model gets its row.
"""

from dataclasses import dataclass

from django.db.models.options import Options
from django.utils.text import capfirst
from django.utils.translation import get_language

MASCULINE, FEMININE = "m", "f"


@dataclass(frozen=True)
class Name:
    """A noun phrase in the forms the admin's sentences need."""

    gender: str
    nom: str  # vardininkas: sutartis
    acc: str  # galininkas: (pridėti) sutartį
    nom_pl: str  # sutartys
    acc_pl: str  # (ištrinti pasirinktas) sutartis
    gen_pl: str  # (0, 10…20) sutarčių

    def counted(self, n: int) -> str:
        """„1 sutartis", „2 sutartys", „0 sutarčių", „21 sutartis": Lithuanian's three forms
        (the same rule as the catalogues' Plural-Forms)."""
        if n % 10 == 1 and n % 100 != 11:
            word = self.nom
        elif n % 10 >= 2 and (n % 100 < 10 or n % 100 >= 20):
            word = self.nom_pl
        else:
            word = self.gen_pl
        return f"{n} {word}"

    def participle(self, masculine: str) -> str:
        """„pridėtas" for a masculine name, „pridėta" for a feminine one."""
        return masculine if self.gender == MASCULINE else masculine.removesuffix("s")


def _m(nom: str, acc: str, nom_pl: str, acc_pl: str, gen_pl: str) -> Name:
    return Name(MASCULINE, nom, acc, nom_pl, acc_pl, gen_pl)


def _f(nom: str, acc: str, nom_pl: str, acc_pl: str, gen_pl: str) -> Name:
    return Name(FEMININE, nom, acc, nom_pl, acc_pl, gen_pl)


# {"app_label.model_name": forms}; every model on the admin site and in its inlines.
NAMES: dict[str, Name] = {
    "auth.group": _f("grupė", "grupę", "grupės", "grupes", "grupių"),
    "auth.permission": _m("leidimas", "leidimą", "leidimai", "leidimus", "leidimų"),
    "accounts.user": _m("naudotojas", "naudotoją", "naudotojai", "naudotojus", "naudotojų"),
    "admin.logentry": _m(
        "žurnalo įrašas", "žurnalo įrašą", "žurnalo įrašai", "žurnalo įrašus", "žurnalo įrašų"
    ),
    "billing.tariff": _f("kaina", "kainą", "kainos", "kainas", "kainų"),
    "billing.consumptionnorm": _f(
        "vartojimo norma",
        "vartojimo normą",
        "vartojimo normos",
        "vartojimo normas",
        "vartojimo normų",
    ),
    "billing.billingperiod": _m(
        "atsiskaitymo laikotarpis",
        "atsiskaitymo laikotarpį",
        "atsiskaitymo laikotarpiai",
        "atsiskaitymo laikotarpius",
        "atsiskaitymo laikotarpių",
    ),
    "billing.invoice": _f("sąskaita", "sąskaitą", "sąskaitos", "sąskaitas", "sąskaitų"),
    "billing.invoiceline": _f(
        "sąskaitos eilutė",
        "sąskaitos eilutę",
        "sąskaitos eilutės",
        "sąskaitos eilutes",
        "sąskaitos eilučių",
    ),
    "customers.customer": _m("mokėtojas", "mokėtoją", "mokėtojai", "mokėtojus", "mokėtojų"),
    "customers.contract": _f("sutartis", "sutartį", "sutartys", "sutartis", "sutarčių"),
    "customers.einvoicesubscription": _m(
        "e. sąskaitos užsakymas",
        "e. sąskaitos užsakymą",
        "e. sąskaitų užsakymai",
        "e. sąskaitų užsakymus",
        "e. sąskaitų užsakymų",
    ),
    "customers.invitation": _m("kvietimas", "kvietimą", "kvietimai", "kvietimus", "kvietimų"),
    "customers.servicepoint": _m("objektas", "objektą", "objektai", "objektus", "objektų"),
    "customers.contractaccess": _f(
        "prieiga prie sutarties",
        "prieigą prie sutarties",
        "prieigos prie sutarčių",
        "prieigas prie sutarčių",
        "prieigų prie sutarčių",
    ),
    "inquiries.inquiry": _f(
        "kliento užklausa",
        "kliento užklausą",
        "klientų užklausos",
        "klientų užklausas",
        "klientų užklausų",
    ),
    "inquiries.inquirymessage": _f("žinutė", "žinutę", "žinutės", "žinutes", "žinučių"),
    "inquiries.inquiryphoto": _f("nuotrauka", "nuotrauką", "nuotraukos", "nuotraukas", "nuotraukų"),
    "metering.awayperiod": _m(
        "išvykimo laikotarpis",
        "išvykimo laikotarpį",
        "išvykimo laikotarpiai",
        "išvykimo laikotarpius",
        "išvykimo laikotarpių",
    ),
    "metering.awayreading": _m(
        "rodmuo išvykstant",
        "rodmenį išvykstant",
        "rodmenys išvykstant",
        "rodmenis išvykstant",
        "rodmenų išvykstant",
    ),
    "metering.meter": _m("skaitiklis", "skaitiklį", "skaitikliai", "skaitiklius", "skaitiklių"),
    # „rodmenys" has no singular in use; one month's value of a meter is „rodmuo".
    "metering.reading": _m("rodmuo", "rodmenį", "rodmenys", "rodmenis", "rodmenų"),
    "news.article": _f("naujiena", "naujieną", "naujienos", "naujienas", "naujienų"),
    "onlinepay.paymentorder": _m(
        "mokėjimas internetu",
        "mokėjimą internetu",
        "mokėjimai internetu",
        "mokėjimus internetu",
        "mokėjimų internetu",
    ),
    # An order for several contracts is split into contracts' shares („dalis").
    "onlinepay.paymentorderpart": _f(
        "sutarties dalis", "sutarties dalį", "sutarčių dalys", "sutarčių dalis", "sutarčių dalių"
    ),
    "onlinepay.payout": _f("išmoka", "išmoką", "išmokos", "išmokas", "išmokų"),
    "messaging.outgoingmessage": _m(
        "siunčiamas pranešimas",
        "siunčiamą pranešimą",
        "siunčiami pranešimai",
        "siunčiamus pranešimus",
        "siunčiamų pranešimų",
    ),
    "payments.payment": _m("mokėjimas", "mokėjimą", "mokėjimai", "mokėjimus", "mokėjimų"),
    "bank.posttransfer": _m(
        "pašto pavedimas", "pašto pavedimą", "pašto pavedimai", "pašto pavedimus", "pašto pavedimų"
    ),
    "bank.heldreading": _m(
        "sulaikytas rodmuo",
        "sulaikytą rodmenį",
        "sulaikyti rodmenys",
        "sulaikytus rodmenis",
        "sulaikytų rodmenų",
    ),
    "onboarding.customerimport": _m(
        "duomenų importas",
        "duomenų importą",
        "duomenų importai",
        "duomenų importus",
        "duomenų importų",
    ),
    "payments.unmatchedpayment": _m(
        "nepriskirtas mokėjimas",
        "nepriskirtą mokėjimą",
        "nepriskirti mokėjimai",
        "nepriskirtus mokėjimus",
        "nepriskirtų mokėjimų",
    ),
    "bank.statementimport": _m(
        "išrašo importas",
        "išrašo importą",
        "išrašų importai",
        "išrašų importus",
        "išrašų importų",
    ),
    "bank.banktransaction": _f(
        "banko operacija",
        "banko operaciją",
        "banko operacijos",
        "banko operacijas",
        "banko operacijų",
    ),
    "utility.utility": _f("įmonė", "įmonę", "įmonės", "įmones", "įmonių"),
    "account.emailaddress": _m(
        "el. pašto adresas",
        "el. pašto adresą",
        "el. pašto adresai",
        "el. pašto adresus",
        "el. pašto adresų",
    ),
    "otp_totp.totpdevice": _m(
        "autentifikavimo įrenginys",
        "autentifikavimo įrenginį",
        "autentifikavimo įrenginiai",
        "autentifikavimo įrenginius",
        "autentifikavimo įrenginių",
    ),
    "django_tasks_database.dbtaskresult": _f(
        "foninė užduotis",
        "foninę užduotį",
        "foninės užduotys",
        "fonines užduotis",
        "foninių užduočių",
    ),
}


def name_of(opts: Options) -> Name | None:
    """The model's forms, when the page is in Lithuanian and the model has them."""
    if get_language() != "lt":
        return None
    return NAMES.get(opts.label_lower)


# --- The admin's phrases that insert a model's name ---------------------------------------------


def add_label(name: Name) -> str:
    return f"Pridėti {name.acc}"  # „Pridėti sutartį"


def add_another_label(name: Name) -> str:
    return f"Pridėti dar vieną {name.acc}"  # „vieną": the accusative of both genders


def delete_selected_label(name: Name) -> str:
    chosen = "pasirinktus" if name.gender == MASCULINE else "pasirinktas"
    return f"Ištrinti {chosen} {name.acc_pl}"  # „Ištrinti pasirinktas sutartis"


def saved_message(name: Name, obj: object, *, added: bool, then: str = "") -> str:
    """„Sutartis „VKU-1" pakeista.", „Mokėtojas „Ona" pridėtas. Galite jį redaguoti toliau."
    `then`: "_continue" or "_addanother", the button the clerk pressed. Plain text (the admin's
    message template escapes it)."""
    done = name.participle("pridėtas" if added else "pakeistas")
    sentence = f"{capfirst(name.nom)} „{obj}“ {done}."
    if then == "_continue":
        it = "jį" if name.gender == MASCULINE else "ją"
        return f"{sentence} Galite {it} redaguoti toliau."
    if then == "_addanother":
        return f"{sentence} Galite pridėti dar vieną {name.acc}."
    return sentence


def deleted_message(name: Name, obj: object) -> str:
    return f"{capfirst(name.nom)} „{obj}“ {name.participle('ištrintas')}."


def deleted_many_message(name: Name, count: int) -> str:
    return f"Ištrinta: {name.counted(count)}."  # „Ištrinta: 12 sutarčių."
