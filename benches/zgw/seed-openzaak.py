# Seeds Open Zaak (1.30, with the catalogue of ../shared/zgw/seed-catalogus.py)
# with a municipality's open casework for `benches/zgw_openzaak.rs` and
# `benches/zgw_latency.rs`: 5,000 open case zaken (KST-CASUSREGIE) and 1,500
# request deelzaken, through Open Zaak's Django ORM (the API takes ~10 calls a
# zaak and would queue a notification for every one of them).
#
# Run it in Open Zaak's venv, with the environment the installer wrote:
#   cd DIR && . ./oz.env && env/bin/python src/src/manage.py shell \
#       < benches/zgw/seed-openzaak.py
# Environment: BENCH_ZAKEN (5000), BENCH_REQUESTS (1500), BENCH_SEED (2026).
#
# Each case zaak: kenmerk {bron: regiedesk, kenmerk: KST-2026-NNNN},
# identificatie BENCH-NNNNNN, startdatum 25-330 days ago; eigenschappen domein
# (jeugd 60 %, volwassenen), verwijsbron, risico (0-2 flags; none: no
# eigenschap), escalatie (3 % geescaleerd); a Huishouden rol (natuurlijk
# persoon with a fictitious BSN of its own, 99xxxxxxx, passing the elfproef);
# a Casusregisseur rol naming one of 36 medewerkers bench-cr-01..bench-cr-36;
# 2-4 statussen (Aangemeld, Toegewezen, Eerste contact, Plan vastgesteld).
# Requests (on cases with a plan; some cases have two): a deelzaak of
# KST-AANVRAAG-SPEC (jeugd) or KST-AANVRAAG-WMO (volwassenen) with kenmerk
# AV-2026-NNNN, uiterlijkeEinddatumAfdoening, eigenschap in_plan, an initiator
# rol (the case's casusregisseur) and status Ingediend; 40 % decided: a
# besluit, a beslisser rol (bench-pr-jeugd or bench-pr-wmo), resultaat
# Toegekend (80 %) or Afgewezen, status Besloten and einddatum.
#
# The same seed gives the same zaken (dates relative to today). When bench
# zaken exist already it only reports them: recreate the database (run the
# installer again) to seed anew. Prints one JSON line with the counts.
import datetime
import json
import os
import random
import time

from django.db import connection, transaction
from django.utils import timezone

from openzaak.components.besluiten.models import Besluit
from openzaak.components.catalogi.models import (
    BesluitType, Eigenschap, ResultaatType, RolType, StatusType, ZaakType)
from openzaak.components.zaken.models import (
    Medewerker, NatuurlijkPersoon, Resultaat, Rol, Status, Zaak, ZaakEigenschap, ZaakKenmerk)

N_CASES = int(os.environ.get("BENCH_ZAKEN", "5000"))
N_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "1500"))
SEED = int(os.environ.get("BENCH_SEED", "2026"))
MEDEWERKERS = [f"bench-cr-{i:02}" for i in range(1, 37)]
RSIN = "002220647"
started = time.monotonic()

existing = Zaak.objects.filter(identificatie__startswith="BENCH-")
if existing.exists():
    print(json.dumps({"already_seeded": existing.count(), "seconds": 0}))
    raise SystemExit(0)

rng = random.Random(SEED)
today = timezone.localdate()
now = timezone.now()
tz = timezone.get_current_timezone()


def zaaktype(ident):
    return ZaakType.objects.get(identificatie=ident, concept=False)


def by(model, zt, field):
    return {getattr(o, field): o for o in model.objects.filter(zaaktype=zt)}


casus = zaaktype("KST-CASUSREGIE")
kinds = {"jeugd": zaaktype("KST-AANVRAAG-SPEC"), "volwassenen": zaaktype("KST-AANVRAAG-WMO")}
st = by(StatusType, casus, "statustype_omschrijving")
rt = by(RolType, casus, "omschrijving")
ei = by(Eigenschap, casus, "eigenschapnaam")
req = {
    k: (by(StatusType, zt, "statustype_omschrijving"), by(RolType, zt, "omschrijving"),
        by(Eigenschap, zt, "eigenschapnaam"), by(ResultaatType, zt, "omschrijving"))
    for k, zt in kinds.items()
}
besluittype = BesluitType.objects.get(omschrijving="Besluit op aanvraag specialistische zorg")

SURNAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
            "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker", "Brouwer"]
SOURCES = ["huisarts", "wijkteam", "school", "politie", "zelfmelding", "veilig_thuis"]
RISKS = ["veiligheid", "huiselijk_geweld", "zorgmijder", "agressie", "pers_politiek", "justitie"]
PROVISIONS = {"jeugd": ["Ambulante jeugdhulp", "Gezinsbehandeling", "Dagbehandeling", "Pleegzorg"],
              "volwassenen": ["Begeleiding individueel", "Huishoudelijke ondersteuning",
                              "Beschermd wonen", "Dagbesteding"]}


def bsn(k):
    """The k-th fictitious BSN: 99 and six digits, then the elfproef's check digit."""
    while True:
        digits = [9, 9] + [int(c) for c in f"{k:06}"]
        check = sum(d * w for d, w in zip(digits, range(9, 1, -1))) % 11
        if check < 10:
            return "".join(map(str, digits + [check])), k + 1
        k += 1


def at(day, hour, minute):
    moment = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)
    return min(moment, now - datetime.timedelta(minutes=5))


def new_zaak(ident, zt, start, **fields):
    zaak = Zaak(identificatie=ident, bronorganisatie=RSIN, verantwoordelijke_organisatie=RSIN,
                _zaaktype=zt, vertrouwelijkheidaanduiding="vertrouwelijk", startdatum=start,
                registratiedatum=start, **fields)
    zaak.save()
    return zaak


def rol(zaak, roltype, moment, toelichting="", **betrokkene):
    r = Rol(zaak=zaak, _roltype=roltype, omschrijving=roltype.omschrijving,
            omschrijving_generiek=roltype.omschrijving_generiek, roltoelichting=toelichting,
            betrokkene_type=betrokkene.pop("kind"))
    r.bench_moment = moment
    r.bench_betrokkene = betrokkene
    return r


rollen, statussen, eigenschappen, kenmerken, decided = [], [], [], [], []
n_bsn = 100000
with transaction.atomic():
    # Which cases get a plan (4 statussen) and which of those one or two requests.
    steps_of = [rng.choices([2, 3, 4], weights=[30, 30, 40])[0] for _ in range(N_CASES)]
    planned = [i for i, s in enumerate(steps_of) if s == 4]
    rng.shuffle(planned)
    with_requests = {}
    for n in range(N_REQUESTS):
        i = planned[n % len(planned)] if n < len(planned) else planned[rng.randrange(len(planned))]
        with_requests[i] = with_requests.get(i, 0) + 1
    request_no = 0
    for i in range(N_CASES):
        start = today - datetime.timedelta(days=rng.randint(25, 330))
        domain = "jeugd" if rng.random() < 0.6 else "volwassenen"
        zaak = new_zaak(f"BENCH-{i + 1:06}", casus, start, omschrijving="Casusregie",
                        uiterlijke_einddatum_afdoening=start + datetime.timedelta(days=365))
        kenmerken.append(ZaakKenmerk(zaak=zaak, bron="regiedesk", kenmerk=f"KST-2026-{i + 1:04}"))
        values = {"domein": domain, "verwijsbron": rng.choice(SOURCES),
                  "escalatie": "geescaleerd" if rng.random() < 0.03 else "geen"}
        flags = rng.sample(RISKS, rng.choices([0, 1, 2], weights=[60, 30, 10])[0])
        if flags:
            values["risico"] = ",".join(flags)
        for naam, waarde in values.items():
            eigenschappen.append(ZaakEigenschap(zaak=zaak, _eigenschap=ei[naam], _naam=naam, waarde=waarde))
        number, n_bsn = bsn(n_bsn)
        moments = [at(start, 9, rng.randint(0, 59))]
        for gap in [(1, 3), (2, 4), (5, 14)][: steps_of[i] - 1]:
            moments.append(at(moments[-1].date() + datetime.timedelta(days=rng.randint(*gap)),
                              rng.randint(9, 16), rng.randint(0, 59)))
        rollen.append(rol(zaak, rt["Huishouden"], moments[0], "gezin", kind="natuurlijk_persoon",
                          inp_bsn=number, geslachtsnaam=rng.choice(SURNAMES)))
        holder = rng.choice(MEDEWERKERS)
        rollen.append(rol(zaak, rt["Casusregisseur"], moments[1], kind="medewerker",
                          identificatie=holder, achternaam=f"Medewerker {holder[-2:]}"))
        names = ["Aangemeld", "Toegewezen", "Eerste contact", "Plan vastgesteld"]
        for name, moment in zip(names, moments):
            statussen.append(Status(zaak=zaak, _statustype=st[name], datum_status_gezet=moment))
        for _ in range(with_requests.get(i, 0)):
            request_no += 1
            sst, srt, sei, srs = req[domain]
            filed = at(moments[-1].date() + datetime.timedelta(days=rng.randint(1, 4)),
                       rng.randint(9, 16), rng.randint(0, 59))
            weeks = 8 if domain == "jeugd" else 2
            deel = new_zaak(f"BENCH-A{request_no:05}", kinds[domain], filed.date(), hoofdzaak=zaak,
                            omschrijving=rng.choice(PROVISIONS[domain]), toelichting="Volgens plan",
                            uiterlijke_einddatum_afdoening=filed.date() + datetime.timedelta(weeks=weeks))
            kenmerken.append(ZaakKenmerk(zaak=deel, bron="regiedesk", kenmerk=f"AV-2026-{request_no:04}"))
            eigenschappen.append(ZaakEigenschap(zaak=deel, _eigenschap=sei["in_plan"], _naam="in_plan",
                                                waarde="ja" if rng.random() < 0.85 else "nee"))
            rollen.append(rol(deel, srt["Aanvrager (casusregisseur)"], filed, kind="medewerker",
                              identificatie=holder, achternaam=f"Medewerker {holder[-2:]}"))
            statussen.append(Status(zaak=deel, _statustype=sst["Ingediend"], datum_status_gezet=filed))
            if rng.random() < 0.4:
                when = at(filed.date() + datetime.timedelta(days=rng.randint(1, 10)), rng.randint(9, 16),
                          rng.randint(0, 59))
                if when <= filed:
                    continue
                decider = "bench-pr-jeugd" if domain == "jeugd" else "bench-pr-wmo"
                rollen.append(rol(deel, srt["Beslisser (mandaat)"], when, "mandaat", kind="medewerker",
                                  identificatie=decider, achternaam="Procesregisseur"))
                statussen.append(Status(zaak=deel, _statustype=sst["Besloten"], datum_status_gezet=when))
                approved = rng.random() < 0.8
                decided.append((deel, when, approved, srs))

    ZaakKenmerk.objects.bulk_create(kenmerken, batch_size=1000)
    ZaakEigenschap.objects.bulk_create(eigenschappen, batch_size=1000)
    Status.objects.bulk_create(statussen, batch_size=1000)
    Rol.objects.bulk_create(rollen, batch_size=1000)
    # registratiedatum is auto_now_add: set the moment each rol was given.
    for r in rollen:
        r.registratiedatum = r.bench_moment
    Rol.objects.bulk_update(rollen, ["registratiedatum"], batch_size=1000)
    Medewerker.objects.bulk_create(
        [Medewerker(rol=r, **r.bench_betrokkene) for r in rollen if r.betrokkene_type == "medewerker"],
        batch_size=1000)
    NatuurlijkPersoon.objects.bulk_create(
        [NatuurlijkPersoon(rol=r, **r.bench_betrokkene) for r in rollen
         if r.betrokkene_type == "natuurlijk_persoon"], batch_size=1000)
    for deel, when, approved, srs in decided:
        Besluit.objects.create(
            verantwoordelijke_organisatie=RSIN, _besluittype=besluittype, _zaak=deel,
            datum=when.date(), ingangsdatum=when.date(),
            toelichting="past in het plan" if approved else "niet in het plan")
        Resultaat.objects.create(zaak=deel, _resultaattype=srs["Toegekend" if approved else "Afgewezen"],
                                 toelichting="")
        Zaak.objects.filter(pk=deel.pk).update(einddatum=when.date())

with connection.cursor() as cursor:
    cursor.execute("ANALYZE")

print(json.dumps({
    "cases": N_CASES, "requests": request_no, "decided": len(decided), "rollen": len(rollen),
    "statussen": len(statussen), "eigenschappen": len(eigenschappen),
    "seconds": round(time.monotonic() - started, 1)}))
