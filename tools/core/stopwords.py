"""Function words: words that carry no subject of their own, left out when text is matched
by its words (keyword search over documents, an item named in a question, how much of a
question the plant's documents cover)."""

from __future__ import annotations

# fmt: off
STOPWORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those",
    "and", "or", "not", "no", "so", "if", "then", "than", "as",
    "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "about",
    "is", "are", "was", "were", "be", "been", "do", "does", "did", "have", "has", "had",
    "can", "could", "will", "would", "shall", "should", "may", "might", "must",
    "i", "me", "my", "we", "us", "our", "you", "your",
    "it", "its", "they", "them", "their", "there",
    "what", "which", "who", "whom", "why", "how", "when", "where",
    "all", "any", "some", "each", "every", "many", "much", "per",
})
# fmt: on

# German, Dutch and French function words: like English stopwords they name no subject,
# so they count neither for nor against a question's coverage.
_FOREIGN = """wie was wer wo wann warum welche welcher welches der die das den dem des ein eine
    einer einem einen und oder nicht ist sind wird werden wurde darf muss kann soll mit von
    zu zum zur im am auf bei fur uber aus nach vor bis ich wir man es sie er oft lange
    hoe wat waar wanneer welke het een en niet zijn wordt worden mag moet kan voor met op
    bij naar uit aan te je er vaak lang ik
    quel quelle quels quelles comment qui que quoi ou quand le la les un une des du de et
    pas est sont pour avec sur dans par au aux ce cette il on faut souvent
    haben habe viele wieviel diese dieser dieses auch noch wenn dann sich mich mir uns
    van heb hebben nog hoeveel dit dat deze om als mijn ons onze
    je nous vous mon ma mes faire lors apres sans d l"""
FOREIGN_FUNCTION_WORDS = frozenset(_FOREIGN.split())

# German, Dutch and French everyday verbs, adverbs and adjectives ("geeft", "bleiben",
# "encore"): no subject either, but ordinary words too, so they do not mark a question as
# foreign (FOREIGN_FUNCTION_WORDS do). Left out of a question's coverage, so that "Thermokoppel
# van de oven geeft verkeerde waarden" is judged by its thermocouple, oven and values.
_FOREIGN_GENERAL = """machen macht gemacht tun tut geben gibt gegeben nehmen nimmt genommen
    bleiben bleibt kommen kommt gehen geht sehen sieht finden findet stehen steht lassen
    lasst brauchen braucht sollen sollte mussen konnen durfen wollen will mochte sein bin
    war waren hat hatte worden immer wieder schon nur sehr mehr weniger jetzt heute hier dort
    da richtig falsch gut schlecht neu neue neuen alt ganz beim vom ins ans durch gegen ohne
    um unter zwischen wahrend ob weil denn aber doch mal nun erst etwa alle jede jeden jeder
    jedes kein keine nichts etwas einmal wieviele standig stets tritt
    doen doet gedaan maken maakt geven geeft gegeven nemen neemt blijven blijft komen komt
    gaan gaat zien ziet vinden vindt staan staat laten laat moeten kunnen kun willen wil
    zullen zal zou krijgen krijgt krijg heeft had was waren ben altijd steeds weer al alleen
    erg meer minder nu vandaag daar goed fout verkeerd verkeerde nieuw nieuwe oud oude door
    tegen zonder onder tussen tijdens omdat maar toch eens elke ieder geen niets iets wel
    gebeurt juist
    fait font donner donne prendre prend rester reste venir vient aller va voir trouver
    mettre met doit doivent devoir peut peuvent pouvoir veut vouloir etre avoir ont etait
    toujours encore deja seulement tres plus moins maintenant ici bon bien mal nouveau
    nouvelle vieux entre pendant sous si parce mais chaque tout tous toute toutes aucun rien
    quelque combien se qu y"""
FOREIGN_GENERAL_WORDS = frozenset(_FOREIGN_GENERAL.split())

# English everyday verbs, adverbs, adjectives and a few general nouns ("often", "gets",
# "again", "warm"): as FOREIGN_GENERAL_WORDS, they name no subject, so they count neither
# for nor against a question's coverage unless the plant's documents use them. "how often
# is the solder bath skimmed" is judged by its solder bath, not by "often".
_ENGLISH_GENERAL = """often again too also just still already always never ever sometimes
    usually really very quite rather almost around away back down up out off over under
    through across along once twice here now then today tomorrow yesterday soon later early
    late ago get gets got getting gotten make makes made making take takes took taking
    taken give gives gave giving given go goes went going gone come comes came coming put
    puts putting keep keeps kept keeping let lets know knows knew knowing known think thinks
    thought see sees saw seen seeing look looks looked looking seem seems seemed find finds
    found want wants wanted need needs needed like likes liked say says said tell tells told
    ask asks asked try tries tried trying use uses used using work works worked working
    happen happens happened happening become becomes became turn turns turned move moves
    moved moving lose loses lost losing bring brings brought begin begins
    began start starts started stop stops stopped stopping mean means meant call calls
    called show shows showed shown consider considers considered allow allowed prepare
    prepared done doing big small large little long short high low new old good bad right
    wrong same different other another next last first second third whole full empty hot
    cold warm cool easy hard fast slow quick quickly slowly properly correctly normal
    normally usual enough more most less least few several own sure able possible certain
    thing things way ways time times day days week weeks month months year years someone
    something somebody anything anyone everyone everything nothing nobody yes okay ok
    please thanks help"""
ENGLISH_GENERAL_WORDS = frozenset(_ENGLISH_GENERAL.split())
