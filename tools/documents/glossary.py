"""A maintenance glossary for the keyword leg: German, Dutch and French shop-floor words
mapped to the English words the plant's documents use, so "Dichtung an der Presse"
also matches "seal" and "press" in BM25. The multilingual embedding carries most of the
meaning across languages; the glossary adds the exact terms the keyword leg and the
relevance check (relevance.py) count on.

The entries follow the documents' own vocabulary (machines, parts, faults, procedures,
stores and safety words), written from the corpus, not from any question set.
"""

# ruff: noqa: E501  (the glossary table reads best as one line per term)
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from stockwise.tools.documents.keywords import tokenize

# english: german words | dutch words | french words
_ENTRIES = """
press: presse, pressen | pers, persen | presse, presses
hydraulic power unit: hydraulikaggregat, aggregat, hydraulikeinheit | hydraulisch aggregaat, aggregaat, hydraulische unit | groupe hydraulique, centrale hydraulique
hydraulic: hydraulik, hydraulisch, hydraulische | hydraulisch, hydraulische | hydraulique
cnc machining centre: bearbeitungszentrum, fräsmaschine, fräse, cnc-maschine | bewerkingscentrum, freesmachine, cnc-machine | centre d'usinage, fraiseuse
wave soldering: wellenlötanlage, wellenlöten, schwalllöten | golfsoldeermachine, golfsolderen | soudure à la vague, brasage à la vague
reflow oven: reflowofen, reflow-ofen | reflowoven | four de refusion, four à refusion
pick-and-place nozzle: bestückungsautomat, bestücker | bestukkingsmachine, pick-and-place | machine de placement, placeuse
test stand: prüfstand, prüfstände | testbank, proefbank, teststand | banc d'essai
air compressor: kompressor, schraubenkompressor, verdichter | compressor, luchtcompressor, schroefcompressor | compresseur
forklift: gabelstapler, stapler | heftruck, vorkheftruck | chariot élévateur, chariot, cariste
belt conveyor: förderband, bandförderer, transportband, förderer | transportband, lopende band | convoyeur, tapis
spiral mixer: mischer, kneter, knetmaschine, spiralkneter, teigkneter | menger, mixer, kneder, spiraalmenger, deegmenger | pétrin, malaxeur, mélangeur
tunnel oven: ofen, backofen, tunnelofen | oven, tunneloven, bakoven | four, four tunnel
packing line flow-wrap: verpackungsmaschine, verpackungslinie, schlauchbeutelmaschine, verpacker | verpakkingsmachine, verpakkingslijn, inpakmachine | emballeuse, ensacheuse, ligne d'emballage
chiller: kühler, kaltwassersatz, kühlanlage, kältemaschine | koelmachine, koeler, koelunit | refroidisseur, groupe froid
seal: dichtung, dichtring, abdichtung, dichtungen | afdichting, pakking, dichting, keerring | joint, joints, étanchéité
shaft seal: wellendichtring, wellendichtung | asafdichting | joint d'arbre
shaft: welle | as | arbre
cylinder: zylinder | cilinder | vérin, cylindre
rod: kolbenstange, stange | stang, zuigerstang | tige
pump: pumpe | pomp | pompe
filter: filter, filtereinsatz | filter | filtre
return filter: rücklauffilter | retourfilter | filtre de retour
oil: öl, öle | olie | huile
hydraulic oil: hydrauliköl | hydraulische olie, hydraulieolie | huile hydraulique
sample: probe, probenahme, ölprobe | monster, staal, oliemonster | échantillon, prélèvement
spindle bearing: spindel, spindellager | spil, spindel, spillager | broche
bearing: lager, kugellager | lager, kogellager | roulement, palier
nozzle: düse, lötdüse | mondstuk, sproeier, nozzle | buse
solder: lot, löten, lötzinn | soldeer, solderen | brasure, braser, souder, soudure
solder paste: lotpaste, lötpaste | soldeerpasta | pâte à braser, crème à braser
flux: flussmittel | vloeimiddel, flux | flux
dross: krätze, lotkrätze | slak, soldeerslak | scories, crasse
belt: riemen, keilriemen, band | riem, v-snaar, snaar, band | courroie, bande
tracking: schieflauf, läuft schief, schief | scheefloop, loopt scheef, scheef | alignement, déport
gearmotor: getriebemotor | motorreductor, reductiemotor | motoréducteur
motor: motor | motor | moteur
overheating temperature: übertemperatur, überhitzt, überhitzung, heiß | oververhit, oververhitting, te heet | surchauffe, surchauffer
temperature: temperatur | temperatuur | température
discharge temperature: verdichtungsendtemperatur | perstemperatuur | température de refoulement
burner: brenner | brander | brûleur
igniter ignite: zünder, zündelektrode, zündung, zündet, zünden | ontsteker, ontsteking, ontsteekt, ontsteken | allumeur, allumage, allumer
heater: heizpatrone, heizung, heizelement | verwarming, verwarmingselement, verwarmingspatroon | résistance, cartouche chauffante, chauffage
sealing jaw: siegelbacke, schweißbacke, backe | sealbek, sealbekken, bek | mâchoire de scellage, mâchoire
seals sealing: siegeln, siegelnaht | sealen, sealt, seal | scellage, soudure
cutter blade: messer, schneidmesser, klinge | mes, snijmes | lame, couteau
tyres: reifen | banden, band | pneus, pneu
mast: hubmast, mast | mast | mât
gauge: manometer, druckmesser, messgerät | manometer, drukmeter | manomètre, jauge
calibration: kalibrierung, kalibrieren, kalibriert | kalibratie, kalibreren, ijken | étalonnage, étalonner, calibrage
refrigerant: kältemittel | koudemiddel, koelmiddel | réfrigérant, fluide frigorigène
leak leaks: leck, leckage, undicht, leckt, tritt aus, austritt | lek, lekt, lekkage, lekken | fuite, fuites, fuit
condenser: kondensator, verflüssiger | condensor | condenseur
fan: lüfter, ventilator | ventilator | ventilateur
water filter: wasserfilter | waterfilter | filtre à eau
coolant: kühlschmierstoff, kühlmittel, kss, emulsion | koelvloeistof, koelsmeermiddel, koelmiddel | liquide de refroidissement, liquide de coupe
concentration: konzentration | concentratie | concentration
relief valve: überdruckventil, druckbegrenzungsventil, sicherheitsventil | overdrukventiel, drukbegrenzingsventiel, veiligheidsklep | soupape de sécurité, limiteur de pression
valve: ventil | ventiel, klep | soupape, vanne
pressure: druck | druk | pression
hose: schlauch, hydraulikschlauch | slang | flexible, tuyau
sensor: sensor, näherungsschalter | sensor | capteur
thermocouple: thermoelement | thermokoppel | thermocouple
door gasket: türdichtung | deurrubber, deurafdichting | joint de porte
scraper: schaber, abstreifer | schraper | racloir
dough: teig | deeg | pâte
bowl: kessel, knetkessel, schüssel | kuip, kom | cuve
grease lubrication: fett, schmieren, schmierung, abschmieren | vet, smeren, smering, invetten | graisse, graisser, lubrification, lubrifier
compressed air: druckluft | perslucht | air comprimé
lockout tagout: freischalten, sichern, verriegeln, abschließen | vergrendelen, vergrendeling, uitschakelen, afsluiten | consignation, consigner, cadenasser
lock: schloss, vorhängeschloss | slot, hangslot | cadenas
isolate: trennen | scheiden | isoler
ppe protective equipment: psa, schutzausrüstung, persönliche schutzausrüstung | pbm, persoonlijke beschermingsmiddelen, beschermingsmiddelen | epi, équipement de protection
gloves: handschuhe | handschoenen | gants
safety glasses: schutzbrille | veiligheidsbril | lunettes de sécurité, lunettes
ear plugs: gehörschutz, ohrstöpsel | oordoppen, gehoorbescherming | bouchons d'oreilles
first aid: erste hilfe | eerste hulp, ehbo | premiers secours, premiers soins
eyes: auge, augen | oog, ogen | œil, yeux
skin: haut | huid | peau
flammable: entzündlich, brennbar, entzündbar | ontvlambaar, brandbaar | inflammable
flash point: flammpunkt | vlampunt | point d'éclair
storage: lagerung, lagern, lagere, aufbewahren | opslag, bewaren, bewaar, opslaan | stockage, stocker, conserver
fridge: kühlschrank | koelkast | réfrigérateur, frigo
shelf life: haltbarkeit, haltbar | houdbaarheid, houdbaar | durée de conservation
solvent degreaser: lösungsmittel, entfetter, reiniger | oplosmiddel, ontvetter | solvant, dégraissant
isopropyl alcohol: isopropanol, isopropylalkohol | isopropanol, isopropylalcohol | alcool isopropylique
spill: verschüttet, auslaufen, ausgelaufen | gemorst, morsen, lekkage | déversement, renversé
disposal: entsorgung, entsorgen | afvoer, afvoeren | élimination, éliminer
goods receipt delivery: wareneingang, lieferung, anlieferung | goederenontvangst, ontvangst, levering | réception, livraison
damaged: beschädigt, beschädigte, beschädigten | beschadigd, beschadigde | endommagé, abîmé
inspection: prüfung, kontrolle, inspektion, prüfen, kontrollieren | controle, inspectie, controleren, keuring | contrôle, inspection, vérifier
daily: täglich, tägliche | dagelijks, dagelijkse | quotidien, journalier
cycle counting: inventur, zykluszählung, permanente inventur, zählen | cyclustelling, telling, inventarisatie, tellen | inventaire tournant, inventaire, comptage
frequency: wie oft, häufigkeit, intervall | hoe vaak, frequentie, interval | fréquence, à quelle fréquence
variance: abweichung, differenz | afwijking, verschil | écart
scrap: ausschuss, ausschussteile, schrott, verschrotten | afkeur, schroot, uitval | rebut, mise au rebut, rebuts
quarantine: sperren, gesperrt, sperrlager, quarantäne | quarantaine, blokkeren | quarantaine
label tag: etikett, kennzeichnen, kennzeichnung, anhänger | label, etiket, markeren | étiquette, étiqueter
obsolete: veraltet, veraltete | verouderd, verouderde | obsolète
spare parts: ersatzteil, ersatzteile | reserveonderdeel, reserveonderdelen, onderdelen | pièce de rechange, pièces de rechange
critical: kritisch, kritische, kritischer | kritisch, kritische, kritieke | critique, critiques
minimum stock: mindestbestand | minimumvoorraad, minimale voorraad | stock minimum
stock: bestand, lagerbestand | voorraad | stock
storeroom: magazin, ersatzteillager | magazijn | magasin
issue: entnahme, ausgeben, ausgabe | uitgifte, uitgeven, halen | sortie, délivrer
work order: arbeitsauftrag, auftrag, wartungsauftrag | werkorder, werkbon | ordre de travail, bon de travail
returns: rückgabe, zurückgeben | retour, terugbrengen, retourneren | retour, retourner
purchase requisition: bestellung, einkauf, bedarfsanforderung, bestellanforderung | bestelling, inkoop, aanvraag, inkoopaanvraag | achat, commande, demande d'achat
approval: freigabe, genehmigung, genehmigen, freigeben | goedkeuring, goedkeuren, akkoord | approbation, approuver, validation
approval limits: betrag, wertgrenze | bedrag | montant
supplier: lieferant | leverancier | fournisseur
emergency purchases: notfall, eilbestellung, dringend | spoed, spoedbestelling, noodgeval | urgence, commande urgente
reorder point: bestellpunkt, meldebestand | bestelpunt | point de commande
safety stock: sicherheitsbestand | veiligheidsvoorraad | stock de sécurité
die changeover: werkzeugwechsel, umrüsten, rüsten, werkzeug | matrijswissel, omstellen, omstelling | changement d'outil, changement de série
product changeover: produktwechsel, umstellung | productwissel, omstellen, omstelling | changement de produit
cleaning: reinigung, reinigen, säubern | reiniging, reinigen, schoonmaken | nettoyage, nettoyer
allergen: allergen, allergene | allergeen, allergenen | allergène, allergènes
preventive maintenance: vorbeugende wartung, wartung, instandhaltung, wartungsplan | preventief onderhoud, onderhoud, onderhoudsplan | maintenance préventive, entretien
interval: intervall | interval | intervalle
replace: wechseln, wechsle, tauschen, ersetzen, austauschen | vervangen, vervang, wisselen | remplacer, changer
repair: reparieren, reparatur, instandsetzen | repareren, reparatie | réparer, réparation
failure: ausfall, störung, defekt, fehler | storing, defect, kapot, uitval | panne, défaillance, défaut
root cause: ursache | oorzaak | cause
vibration: vibration, vibriert, schwingung | trilling, trilt, vibratie | vibration, vibre
noise: geräusch, lärm, pfeift | geluid, lawaai, piept, fluit | bruit
operator: bediener, werker | operator, bediener | opérateur
shift: schicht, schichtbeginn | ploeg, dienst | poste, équipe
flow: durchfluss, durchflussmenge | debiet, doorstroming | débit
profile: profil, temperaturprofil | profiel, temperatuurprofiel | profil
fuse: sicherung | zekering | fusible
chain: kette | ketting | chaîne
roller: rolle | rol | rouleau
feeder: zuführung | voeder, aanvoer | chargeur
cooling: kühlung, kühlen | koeling, koelen | refroidissement
"""


def fold(text: str) -> str:
    """Lower case without accents ("Öl" -> "ol", "ß" -> "ss"), as the glossary matches."""
    text = text.lower().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, str], re.Pattern[str], list[tuple[str, str]]]:
    """(foreign phrase -> English, a pattern of whole phrases, long stems for compounds)."""
    mapping: dict[str, str] = {}
    for line in _ENTRIES.strip().splitlines():
        english, _, rest = line.partition(":")
        for group in rest.split("|"):
            for word in group.split(","):
                word = fold(word.strip())
                if word and word != fold(english.strip()):
                    mapping.setdefault(word, english.strip())
    alternatives = "|".join(re.escape(p) for p in sorted(mapping, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
    # German and Dutch glue nouns together ("Hydraulikölprobe"): a stem of 5+ letters found
    # inside a longer word counts too.
    stems = sorted(
        ((w, e) for w, e in mapping.items() if len(w) >= 5 and " " not in w),
        key=lambda we: -len(we[0]),
    )
    return mapping, pattern, stems


# Foreign glossary words that are also English words a question may use ("as", "four",
# "a lot"): never translated.
ENGLISH = frozenset({"as", "four", "lot", "slot", "probe", "band", "haut", "kom", "mes", "rol"})


def translate(query: str, known: frozenset[str] | set[str] = frozenset()) -> tuple[list[str], str]:
    """(the English terms of the query's foreign words, the folded query without them)."""
    mapping, pattern, stems = _table()
    found: list[str] = []

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        terms = tokenize(word)
        if word in ENGLISH or (terms and all(t in known for t in terms)):
            return word
        found.append(mapping[word])
        return " "

    rest = pattern.sub(swap, fold(query))
    for word in re.findall(r"[a-z]{9,}", rest):
        if all(t in known for t in tokenize(word)):
            continue
        glued = word
        for stem, english in stems:
            if stem in glued:
                found.append(english)
                glued = glued.replace(stem, " ")
        if glued != word:  # a compound the glossary read: none of it is left untranslated
            rest = re.sub(rf"\b{word}\b", " ", rest)
    return list(dict.fromkeys(found)), rest
