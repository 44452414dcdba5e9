"""Tests for klynge.sections (split_sections, DocMeta, rule files).

Texts are real releases (the seed and regjeringen.no, NLOD 2.0), copied in normalised
(NBSP -> space) so the tests never read /work/shared.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typing import get_args

from klynge.normalisers.dates import parse_date
from klynge.schema import SectionKind
from klynge.sections import (
    NO_ENTITY_KINDS,
    DocMeta,
    LangSectionRules,
    Section,
    check_rules,
    split_sections,
)

KINDS = frozenset(get_args(SectionKind))

# fmt: off
# ife-2020-11-19-to-nye-arena-klynger.txt
SEED = (
    'To nye Arena-klynger for digital omstilling og fornybar energi\n'
    '\n'
    'Publisert: 19. november 2020\n'
    '\n'
    'Regjeringen utnevnte i dag nye næringsklynger med digital og grønn profil.\n'
    '\n'
    '– Vi er svært glade over at både Cluster for Applied AI i Halden og H2Cluster får Arena-status som klynger av Innovasjon Norge. Dette er et viktig steg i å skape ytterligere innovasjon og verdi for samfunnet. Både hydrogenteknologi og kunstig intelligens (AI) er viktige satsingsområder for IFE, sier IFEs administrerende direktør Nils Morten Huseby.\n'
    '\n'
    'Ni nye miljøer blir tatt opp i det nasjonale programmet for næringsklynger. – Vårt nasjonale klyngeprogram har hatt stor betydning for bedriftene i klyngene, for utvikling av miljøenes og regionenes innovasjonskraft og attraktivitet, og dermed for utvikling av norsk næringsliv. Klyngeprosjektene viser at gjennom samarbeid er det fullt mulig å være i front. Målrettet samarbeid og læring er avgjørende for å hele tiden bli bedre, som er viktig for å overleve i markeder med tøff konkurranse, sier næringsminister Iselin Nybø.\n'
    '\n'
    '– De nye klyngene representerer hele spennet i næringslivet. Felles for alle er at de har en grønn profil og representerer en nødvendig omstilling av næringslivet. Disse klyngene vil kunne bidra til å skape nye arbeidsplasser og sørge for vekst og utvikling i hele landet, sier distrikts- og digitaliseringsminister Linda Hofstad Helleland.\n'
    '\n'
    'https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/\n'
    '\n'
    '\n'
    'IFE partner i to av klyngene\n'
    '\n'
    '  • H2Cluster – The Norwegian Hydrogen Cluster er en nasjonal klynge med 37 norske og internasjonale partnere. Klyngen ønsker å samle et fragmentert hydrogenaktørbilde rundt en kraftfull satsing på innovasjon, verdiskaping og eksport. Klyngen skal fremskynde utviklingen og være en spydspiss for bærekraftig omstilling, verdiskaping og nye, grønne arbeidsplasser. Den utvikle et nasjonalt marked for hydrogenteknologi, og skalere for økt eksport.\n'
    '  • Cluster for Applied AI med 39 medlemmer og 25 samarbeidspartnere har utgangspunkt i Halden. Den har som visjon at bedriftene skal bli internasjonalt ledende, datadrevne, effektive og kundefokuserte gjennom utvikling og bruk av kunstig intelligens. Klyngen vil utvikle et ledende, åpent miljø i Norge. Se også: https://www.smartinnovationnorway.com/nyheter/cluster-for-applied-ai-far-arena-status/\n'
    '\n'
    '\n'
    'Fokus på bærekraft i klyngesamarbeidet\n'
    '\n'
    'Søknadene har fokus på digital og grønn omstilling i næringslivet, og det er tydelig at bærekraft har blitt et viktig element som klyngene ønsker å samarbeide om. De ulike prosjektene skal bidra til å utløse samarbeidsbaserte utviklingsaktiviteter, med sikte på å øke næringslivets innovasjonsevne. Klyngene har et bredt og variert spenn av aktiviteter, fra omstilling ved bruk av digital kompetanse og kunstig intelligens til en kraftsatsing på hydrogenteknologi.\n'
    '\n'
    '\n'
    'Høy kvalitet \n'
    '\n'
    'Ekspertene som har vurdert de 24 kandidatene påpeker at kvaliteten var høy, og at de fleste er kvalifiserte og ville hatt nytte av å delta i programmet. Representanter fra Innovasjon Norge, Siva og Forskningsrådet har gjennomført en grundig vurdering av alle søknadene, individuelt og i plenum og med innspill fra fylkeskommunene. I tillegg har de gjort intervjuer med de sterkeste kandidatene.\n'
    '\n'
    'Utvikling av klynger er en viktig del av regjeringens næringspolitikk. Klyngesamarbeid gjør det lettere å drive felles forskning- og utvikling, og bidrar til at deltakerne kan trekke på hverandres kunnskap og kompetanse. Klyngene er gode verktøy for å styrke bedriftenes omstillings- og utviklingsevne og bidrar samtidig til regional vekst og verdiskaping. Klyngeprogrammet er et viktig virkemiddel i næringspolitikken, og har stor betydning for bedriftene som deltar og for lokalsamfunnene de jobber i.\n'
    '\n'
    'Fakta om klyngeprogrammet:\n'
    '\n'
    'Nærings- og fiskeridepartementet og Kommunal- og moderniseringsdepartementet finansierer programmet, mens Innovasjon Norge er ansvarlig for å forvalte ordningen, i samarbeid med Norges Forskningsråd og Siva.\n'
    '\n'
    'For 2021 er det budsjettert med 217 millioner kroner til klyngeprogrammet. Fra årsskiftet er det 39 klynger med i programmet.\n'
    '\n'
    'For mer informasjon, se http://www.innovasjonnorge.no/nic.\n'
    '\n'
    ' \n'
    '\n'
    ' \n'
    '\n'
    '>>>'
)
# 2005-nytt-program-norwegian-centres-of-expertise.txt
NN_UTGJEVAR = (
    'Historisk arkiv\n'
    '\n'
    'Nytt program skal styrkje innovasjonspolitikken — Norwegian Centres of Expertise\n'
    '\n'
    'Historisk arkiv\n'
    '\n'
    'Publisert under: Regjeringen Bondevik II\n'
    '\n'
    'Utgjevar: Kommunal- og regionaldepartementet\n'
    '\n'
    'Pressemelding 14.10.2005\n'
    '\n'
    'Pressemelding\n'
    '\n'
    'Nr.: 257/2005\n'
    'Dato: 14.10.2005\n'
    '\n'
    'Statsbudsjett 2006\n'
    '\n'
    'Nytt program skal styrkje innovasjonspolitikken – Norwegian Centres of Expertise\n'
    '\n'
    'Regjeringa føreslår å bruke 34,5 millionar kroner til Norwegian Centres of Expertise neste år over budsjetta til Kommunal- og regionaldepartementet og Nærings- og handelsdepartementet. – Det er eit nytt program for å styrkje dei mest vekstkraftige og internasjonalt orienterte næringsklyngjene, seier kommunal- og regionalminister Erna Solberg.\n'
    '\n'
    'Norwegian Centres of Expertise vender seg til spesialiserte, regionale bedriftsklyngjer med internasjonalt konkurransedyktige bedrifter som kan vere flaggskip i den nasjonale innovasjonspolitikken. Programmet skal stimulere til nettverksbygging og kompetanseheving i regionale forskings- og utviklingsinstitusjonar, i regionalt næringsliv og hos regionale styresmakter.\n'
    '\n'
    'Innovasjon Noreg, SIVA og Noregs forskingsråd skal saman forvalte programmet. Gjennom ein open nasjonal konkurranse skal dei velje ut næringsmiljø basert på faglege vurderingar.\n'
    '\n'
    '– Det finst mange sterke næringsmiljø rundt om i landet som er sterke nettopp fordi dei har funne eit fortrinn ved å basere seg på behov og føresetnader i regionen der dei held til. Regjeringa vil gjennom dette programmet gi langsiktig fagleg og finansiell støtte for å byggje vidare på dette grunnlaget, slik at næringsmiljøa blir endå sterkare, seier kommunal- og regionalminister Erna Solberg.\n'
    '\n'
    'Pressetelefonen i Kommunal- og regionaldepartementet: 22 24 25 00.'
)
# 2003-innovasjon-norge-odelstingsproposisjon.txt
NB_CONTACTS = (
    'Historisk arkiv\n'
    '\n'
    'Innovasjon Norge\n'
    '\n'
    'Historisk arkiv\n'
    '\n'
    'Publisert under: Regjeringen Bondevik II\n'
    '\n'
    'Utgiver: Nærings- og handelsdepartementet\n'
    '\n'
    'I statsråd 7. november 2003 fremmet Regjeringen en odelstingsproposisjon med forslag om lov om den nye virkemiddeletaten som får navnet Innovasjon Norge.\n'
    '\n'
    'Pressemelding\n'
    '\n'
    'Nr.: 64/03\n'
    'Dato: 07. november 2003\n'
    'Kontaktpersoner:\n'
    'Politisk rådgiver Eirik Lae Solberg, telefon 95 07 87 60\n'
    'Informasjonssjef Øistein Øisjøfoss, telefon 22 24 01 25\n'
    '\n'
    'Innovasjon Norge\n'
    '\n'
    'I statsråd har Regjeringen i dag fremmet en odelstingsproposisjon med forslag til lov om den nye virkemiddeletaten som får navnet Innovasjon Norge.\n'
    '\n'
    '- En av de viktigste oppgaver blir å øke innovasjonstakten i norsk næringsliv. Selskapet skal fremme nyskaping og internasjonalisering og vil bli en viktig medspiller i regional utvikling over hele landet. Med enklere tilgang til offentlige virkemidler og et mer samordnet tilbud vil hverdagen nå bli lettere for småbedrifter og gründere over hele landet, sier nærings- og handelsminister Ansgar Gabrielsen.\n'
    '\n'
    'Det nye selskapet tar opp i seg virksomheten i dagens SND, Norges Eksportråd, Statens veiledningskontor for oppfinnere (SVO) og Norges Turistråd.\n'
    '\n'
    'Med etableringen av Innovasjon Norge ligger det godt til rette for at også andre statlige institusjoner som Norges Forskningsråd kan benytte selskapets distrikts- og utenlandskontorer til å formidle sine tilbud. Innovasjon Norge blir formelt etablert fra 1. januar 2004 med hovedkontor i Oslo.\n'
    '\n'
    'Arbeidet med å utvikle en strategi for det nye selskapet er godt i gang. I tillegg til bred deltakelse fra de ansatte, er også brukerne involvert, bl. a. gjennom kundemøter som nå blir arrangert over hele landet. Det er viktig å få synspunkter på hvordan de fire enhetene fungerer i dag, samt hvilke forventninger kundene har til det nye selskapet. Dagens institusjoner har ordninger som skal hjelpe gründere og entreprenører frem til kommersiell suksess.\n'
    '\n'
    'Fra 1. januar 2004 tre'
)
# 2015-en-additional-nok-100-million-nepal.txt
EN_NEPAL = (
    'Norway provides additional NOK 100 million to Nepal\n'
    'Historical archive\n'
    "Published under: Solberg's Government\n"
    'Publisher: The Office of the Prime Minister\n'
    'Press release | No: 61/2015 | Date: 28/04/2015 | Last updated: 29/04/2015\n'
    'The Norwegian Government is providing an additional NOK 100 million to the relief effort in Nepal. ‘This means that Norway’s total support for the response to the earthquake disaster in Nepal comes to NOK 130 million. There is a huge need for assistance both in the short and the long term,’ said Prime Minister Erna Solberg. Together with Minister of Foreign Affairs Børge Brende, she met Norwegian NGOs who are involved in relief efforts in Nepal this afternoon.\n'
    'The situation in Nepal in the wake of Saturday’s earthquake is still unclear. According to the UN, at least eight million people are in the areas affected. The numbers of those affected are expected to rise. Norway provided NOK 30 million for emergency relief on the day of the earthquake, and has today allocated an additional NOK 100 million.\n'
    '‘Relief efforts are underway, although it has not been possible to gain a full overview of the situation in many places. It is difficult to map the situation and the need for assistance. It is important that the Nepalese authorities are given the opportunity to lead this work together with the UN. At the same time, we are aware that much of the immediate assistance is being provided by the local population and small organisations that are responding to the needs in their communities,’ said Ms Solberg.\n'
    '‘Our most important task is to help to ensure that the international relief effort is effective. The Nepalese authorities and the UN must be in charge. The various actors taking part need knowledge about the country and need to prioritise their efforts in line with the population’s needs. We commend the Norwegian NGOs in Nepal for their rapid response and strong commitment to helping those affected,’ said Mr Brende.\n'
    'According to UNIC'
)
# 1999-en-nok-100-million-oil-gas-technology.txt
EN_OIL = (
    'Historical archive\n'
    '\n'
    'NOK 100 million to project related technology development in the oil and gas sector\n'
    '\n'
    'Historical archive\n'
    '\n'
    "Published under: Bondevik's 1st Government\n"
    '\n'
    'Publisher: Ministry of Petroleum and Energy\n'
    '\n'
    'Press Release\n'
    '\n'
    'No.: 32/99\n'
    'Date: 10.05.99\n'
    '\n'
    'NOK 100 million to project related technology development in the oil and gas sector\n'
    '\n'
    'The Government proposes to allocate 100 million kroner to a programme in support of project related technology in the oil sector. The purpose of the proposal is to secure continued profitable development of the resources on the Norwegian continental shelf and to contribute to sustained competitiveness in Norwegian industry during a period of lower activity level.\n'
    '\n'
    'In addition to expectations of a more moderate activity level in the future, parts of the Norwegian continental shelf can be characterised as a mature petroleum province. This means that the industry needs to adapt in relation to changing capacity requirements in parts of the sector as well as to respond to new technological needs in connection with future developments on the Norwegian continental shelf.\n'
    '\n'
    "The industry has underlined that technology development will be the most important contributive factor to a further reduction in costs and consequently to generate new profitable activities. The authorities' support to project related technology development is particularly important in the present situation where research and development activities due to limited earnings have been subject to cuts in the oil industry as well as among contractors.\n"
    '\n'
    'Public support to project related technology development will be channelled through the Norwegian Research Council. The Ministry of Petroleum and Energy will in conjunction with the Research Council appoint a steering group with representatives from oil companies, the supply industry, research institutions and the Petroleum Directorate. The Government assumes that industry will cover a major part of the financing of the program'
)
# 2011-40-millionar-naringshageprogram.txt
NN_KICKER = (
    'Historisk arkiv\n'
    '\n'
    'Statsbudsjettet 2012\n'
    '\n'
    '40 millionar kroner til nytt næringshageprogram\n'
    '\n'
    'Historisk arkiv\n'
    '\n'
    'Publisert under: Regjeringen Stoltenberg II\n'
    '\n'
    'Utgjevar: Kommunal- og regionaldepartementet\n'
    '\n'
    'Regjeringa gjer framlegg om å løyve 40 millionar kroner til nytt næringshageprogram i regi av SIVA.\n'
    '\n'
    'Regjeringa gjer framlegg om å løyve 40 millionar kroner til nytt næringshageprogram i regi av SIVA.\n'
    '\n'
    'SIVA har starta opp eit nytt næringshageprogram. Kommunal- og regionaldepartementet legg opp til å gje 40 millionar kroner til det nye programmet i 2012, som er ei dobling frå budsjettet for 2010. Programmet skal bidra til å utvikle nye arbeidsplassar innan kunnskapsbaserte næringar i distrikta. Dette skal skje gjennom å leggje til rette for kunnskapsarbeidsplassar innanfor eksisterande næringsliv og for etablering av nye bedrifter.\n'
    '\n'
    '- Næringshageprogrammet er viktig fordi me har tru på at samlokalisering av små bedrifter i eit tverrfagleg miljø kan stimulere kreativitet og pågangsmot. Evalueringar har synt at dette er utviklande for dei etablerte bedriftene. Ut av slike miljø veks nye idear og nye bedrifter, seier kommunal- og regionalminister Liv Signe Navarsete.\n'
    '\n'
    'Ein næringshage er eit utviklings- og nyskapingsmiljø for bedrifter som gjennom eit eige selskap ønskjer å vidareutvikle kunnskapsarbeidsplassar i regionen. Ved opptak i programmet må miljøet bestå av minimum fem eksisterande bedrifter eller bedrifter i etableringsfasen med til saman 10 tilsette.\n'
    '\n'
    'Etablering av eit næringshagemiljø skal skje i nært samspel med fylkeskommunane på bakgrunn av regionale behov og utfordringar.\n'
    '\n'
    'Kommunal- og regionaldepartementet sin pressetelefon: 22 24 25 00.'
)
# 2012-auke-115-millionar-scenekunst.txt
NN_DASH_LIST = (
    'Statsbudsjettet 2013:\n'
    'Auke på nær 115 millionar kroner til scenekunst\n'
    'Historisk arkiv\n'
    'Publisert under: Regjeringen Stoltenberg II\n'
    'Utgjevar: Kulturdepartementet\n'
    'Pressemelding | Nr: 87/12 | Dato: 08.10.2012\n'
    'Regjeringa foreslår ein samla auke på 114,9 millionar kroner til scenekunstformål. I budsjettframlegget for 2013 er samla løyving til scenekunst nær 1,9 milliardar kroner.\n'
    'Regjeringa foreslår ein samla auke på 114,9 millionar kroner til scenekunstformål. I budsjettframlegget for 2013 er samla løyving til scenekunst nær 1,9 milliardar kroner.\n'
    'Ei samla auke på 16,1 millionar kroner går til dei nasjonale teatra Nationaltheatret, Det Norske Teatret og Den Nationale Scene. 1,5 millionar av auken på 7 millionar kroner til Nationaltheatret, går til kostnader knytt til utgreiing av bygg.\n'
    'Region- og landsdelsteatra får ein auke på 22,7 millionar kroner.\n'
    'Løyvinga til Den Norske Opera & Ballett aukar med 48,5 millionar kroner. 25 millionar kroner er øyremerkt styrking av økonomien i selskapet.\n'
    'Andre faste tiltak får ein auke på 11,6 millionar kroner. Dette gjeld mellom anna:\n'
    '- 7,5 millionar kroner til Kilden Teater- og konserthus for Sørlandet IKS (Agder Teater, OperaSør og Kristiansand Symfoniorkester) til drift og styrkt aktivitet. 0,5 millionar kroner er øyremerkte til Kristiansand Solistensemble.\n'
    '- 2,1 millionar kroner til Hålogaland Teater. 700 000 kroner er knytt til grunnlovsjubileet.\n'
    '- 2,6 millionar kroner til Rogaland Teater. 1 million kroner skal dekkje ny rømmingsveg for Intimscenen.\n'
    '- 2,2 millionar kroner til Teatret Vårt. 1 million kroner går til auka produksjon og 450 000 kroner til auka driftskostnader i nye lokale. Det er i tillegg løyvd totalt 2,3 millionar kroner til husleige i nye lokale.\n'
    '- 3 millionar kroner til Trøndelag Teater. 1 million kroner går til rehabilitering av Gamle Scene.\n'
    '- 900 000 kroner til husleige for Teater Innlandet i nye lokale i Hamar kulturhus.\n'
    '- 700 000 kroner til Østfold Teater.\n'
    '- 300 000 kroner til'
)
# 2014-norge-gir-460-millioner-syria.txt
NB_CAPTION = (
    'Historisk arkiv\n'
    '\n'
    'Norge gir 460 millioner til Syria\n'
    '\n'
    'Historisk arkiv\n'
    '\n'
    'Publisert under: Regjeringen Solberg\n'
    '\n'
    'Utgiver: Utenriksdepartementet\n'
    '\n'
    '- Norge gir 460 millioner kroner til FNs nødhjelpsappell for Syria. Pengene vil gå til å hjelpe ofrene for konflikten både i Syria og nabolandene. Det er også satt av midler til prosjekter som skal styrke nabolandenes evne til å håndtere det store antallet syriske flyktninger, sier utenriksminister Børge Brende.\n'
    '\n'
    'I dag avholdes den andre internasjonale giverlandskonferansen for Syria i Kuwait. Konferansen skjer i samarbeid mellom FN og Kuwait, og vil ledes av FNs generalsekretær Ban Ki-Moon.\n'
    '\n'
    'Utenriksminister Børge Brende på giverkonferanse for Syria i Kuwait\n'
    'Utenriksminister Børge Brende på giverlandskonferansen for Syria i Kuwait.\n'
    '(Foto: Frode O. Andersen, UD)\n'
    '\n'
    'Krisen i Syria rammer stadig flere mennesker. Det anslås at over 130.000 mennesker er drept i konflikten som har pågått siden 2011. Mer enn ni millioner syrere trenger i dag humanitær hjelp. Over 2,3 millioner er flyktninger og om lag 6,5 millioner er internt fordrevet inne i Syria. Norge er i dag blant de største humanitære bidragsyterne i forbindelse med konflikten i Syria.\n'
    '\n'
    '- Hjelpebehovene både for befolkningen inne i Syria og for flyktningene i nabolandene er enorme. Det er viktig at verdenssamfunnet på konferansen i Kuwait mobiliserer de nødvendige ressursene til å dekke behovene i FNs nødhjelpsappell, sier Brende.\n'
    '\n'
    'Giverlandsmøtet i Kuwait kommer en uke før den planlagte internasjonale konferansen for Syria (Genève II) i Montreux 22. januar.\n'
    '\n'
    '- Krigen i Syria må stoppes. Det hviler et tungt ansvar på deltakerne på konferansen i Montreux i neste uke for å finne frem til en politisk prosess som kan stoppe konflikten. Konferansen må også komme med klare krav om øyeblikkelig humanitær tilgang inne i Syria, sier Brende.\n'
    '\n'
    'Norge bidro i 2013 med 635 millioner kroner i humanitær hjelp til ofrene for konflikten i Syria. Siden 2011 har No'
)
# 2009-tre-nye-naringsklynger-nce.txt
NB_BULLETS = (
    'Historisk arkiv\n'
    '\n'
    'Tre nye næringsklynger får status som Norwegian Centres of Expertice (NCE)\n'
    '\n'
    'Historisk arkiv\n'
    '\n'
    'Publisert under: Regjeringen Stoltenberg II\n'
    '\n'
    'Utgiver: Kommunal- og regionaldepartementet\n'
    '\n'
    'Regjeringen satser sterkt på å utvikle norske bedrifters konkurransekraft. Kommunal- og regionalminister Magnhild Meltveit Kleppa og statssekretær Øyvind Slåke i Nærings- og handelsdepartementet kunngjør tre nye regionale næringsklynger med internasjonalt fokus som norske ekspertsentre innenfor NCE-programmet.\n'
    '\n'
    'Regjeringen satser sterkt på å utvikle norske bedrifters konkurransekraft. Kommunal- og regionalminister Magnhild Meltveit Kleppa og statssekretær Øyvind Slåke i Nærings- og handelsdepartementet kunngjør tre nye regionale næringsklynger med internasjonalt fokus som norske ekspertsentre innenfor NCE-programmet.\n'
    '\n'
    '• NODE (Norwegian Offshore & Drilling Engineering)\n'
    '• Energy and Emissions Trading\n'
    '• Tourism – Fjord Norway\n'
    '\n'
    '- Vi er stolte over å ha næringsmiljøer i Norge som er ledende internasjonalt på sine områder. Det er tre meget sterke klynger som nå utpekes som Norwegian Centres of Expertise, sier kommunal- og regionalminister Kleppa.\n'
    'Den samlede statlige finanseringsrammen til NCE-programmer er i 2009 på 70 millioner kroner. For hver klynge innebærer dette omkring 5 millioner kroner i årlig støtte.\n'
    '\n'
    '- I den globale konkurransen står bedriftene ofte sterkere når de står sammen i nettverk, noe NCE-programmet utvilsomt kan bidra til, sier statssekretær Slåke i NHD.\n'
    '\n'
    '- Regjeringen er opptatt av å legge til rette for utvikling av sterke næringsklynger. Det gjør vi fordi et slikt samarbeid gir gevinster for bedrifter, regioner, utdanningsmiljøer, stedsutvikling og enkeltmennesker. Dette er virkelig regionalpolitikk i praksis, sier kommunal- og regionalminister Magnhild Meltveit Kleppa.\n'
    '\n'
    'Mer om de nye NCE-klyngene:\n'
    '\n'
    'NCE NODE representerer en partnerskap av 48 kjernebedrifter innen olje og gassnæringen på Sørlandet. Milj'
)
# 2015-humanitaer-stotte-nepal.txt
NB_CUT_CONTACT = (
    'Norge øker den humanitære støtten til Nepal\n'
    '\n'
    '- Jordskjelvene i Nepal ødela en halv million hus og hjem. Det vil være store behov for støtte til gjenoppbygging i lang tid fremover. Vi øker nå den norske støtten til 230 millioner kroner, sier utenriksminister Børge Brende.\n'
    '\n'
    'Utenriksministeren annonserte ytterligere 100 millioner kroner i humanitær støtte fra Norge da han deltok på den internasjonale gjenoppbyggingskonferansen for Nepal i Kathmandu i dag. Fra før har Norge bidratt med 130 millioner kroner til nødhjelp etter at åtte millioner mennesker ble rammet av jordskjelv i april og mai. Mye hjelp har kommet frem, men fortsatt trenger 2,8 millioner mennesker humanitær støtte.\n'
    '\n'
    '- Mange områder i Nepal ligger i ruiner. At ødeleggelsene ble så omfattende, er en viktig vekker om hvor viktig det er med forebygging og beredskap. Den norske støtten skal blant annet gå til tiltak som bidrar til at folk er bedre rustet til å møte neste katastrofe, sier utenriksministeren.\n'
    '\n'
    'De nye midlene skal gå til gjenoppbygging med spesielt fokus på mat, helse, utdanning og beskyttelse. Sårbare grupper som barn og personer med funksjonsnedsettinger skal prioriteres.\n'
    '\n'
    '- Over 8000 skoler ble ødelagt. Vi vil støtte myndighetene i å bygge nye, trygge skoler så barn og unge får mulighet til å komme raskt tilbake på skolen og ta hverdagen tilbake, sier Brende.\n'
    '\n'
    'Han understreker at det er viktig at myndighetene i landet er i førersetet for gjenoppbyggingen, og at det er god koordinering med FN og det internasjonale samfunnet.\n'
    '\n'
    '- Vi må ikke glemme at lokalsamfunn, og særlig ungdom, i de rammede områdene har gjort en storstilt innsats for å hjelpe hverandre, sier Brende.\n'
    '\n'
    'Norge har i mange år hatt et nært utviklingssamarbeid med Nepal. I møter med landets statsminister og en rekke ministre, understreket Brende at Norge vil videreføre den langsiktige utviklingsbistanden, med vekt på utdanning, energi og godt styresett.\n'
    '\n'
    'Pressekontakt: Astrid Sehl, mob '
)
# 2021-statsrad-astrup-besoker-viken.txt
NN_INVITATION = (
    'Presseinvitasjon\n'
    '\n'
    'Statsråd Astrup besøker Viken\n'
    '\n'
    'Kommunal- og moderniseringsminister Nikolai Astrup besøker Indre Østfold kommune og føretak innan berekraft og innovasjon i Moss og Fredrikstad 27. august.\n'
    '\n'
    'Media er velkomne til å delta på besøka.\n'
    '\n'
    'Program for statsråd Nikolai Astrup fredag 27. august\n'
    '\n'
    '\n'
    'Kl. 10:00 Statsråden besøker Indre Østfold kommune. Tema for møtet er kommuneøkonomi og kommunereform\n'
    '\n'
    'Stad: Rådhuset, Rådhusgata 22 i Askim\n'
    '\n'
    '\n'
    'Kl. 12:30 Statsråden besøker Wärtsilä Moss AS. Tema for besøket er berekraftig teknologi for skipsfarten\n'
    '\n'
    'Stad: Værtsgata 9A i Moss\n'
    '\n'
    '\n'
    'Kl. 14:15 Statsråden besøker Blender Collective og fleire av føretaka som er knytte til nettverket. Tema for besøket er innovasjon og gründerar\n'
    '\n'
    'Stad: Nygårdsgata 33 i Fredrikstad\n'
    '\n'
    'Pressekontaktar\n'
    '\n'
    '\n'
    'Politisk rådgivar Bettina Flatland, mobiltlf. 975 98 000\n'
    '\n'
    'Kommunal- og moderniseringsdepartementet sin pressetelefon 22 24 25 00 eller ke@kmd.dep.no'
)
# 2018-en-vast-potential-in-the-oceans.txt
EN_HEADINGS = (
    'Historical archive\n'
    '\n'
    'Vast potential in the oceans\n'
    '\n'
    'Historical archive\n'
    '\n'
    "Published under: Solberg's Government\n"
    '\n'
    'Publisher: Ministry of Trade, Industry and Fisheries\n'
    '\n'
    'The Government is committed to supporting ocean industries. In the years ahead, the oceans will be a major source of sustainable, lucrative employment.\n'
    '\n'
    'Today, 206,000 people work in one of the three ocean industries – petroleum, seafood and maritime – generating almost NOK 680 billion a year in wealth.\n'
    '\n'
    '“Great opportunities”\n'
    '\n'
    'The Government has provided billions of kroner for research and innovation in the ocean industries because that is where tomorrow’s jobs will be.\n'
    '\n'
    '“The sea is one of the most important areas of future Norwegian focus,” says Torbjørn Røe Isaksen, Norway’s Minister of Trade and Industry. “Our coastline is one of the world’s longest and we manage marine areas that occupy more than six times the area of our land. The sea has always been important to Norway and will continue to provide major opportunities for jobs and economic growth in future.”\n'
    '\n'
    'Ocean ministers\n'
    '\n'
    'That is why the Government is so deeply committed to the ocean industries, producing both Norway’s first ocean strategy  and its first white paper on the place of the oceans in Norway’s foreign and development policy. Efforts range from the development of new species, green technology and digital solutions to international diplomacy and the struggle against plastic waste and greenhouse gases. Many ministries are involved, including the Ministry of Petroleum and Energy, the Ministry of Climate and Environment, the Ministry of Foreign Affairs, the Ministry of Education and Research and the Ministry of Transport and Communications. The Ministry of Trade, Industry and Fisheries has the overall coordinating role.\n'
    '\n'
    'Government efforts on behalf of the ocean industries:\n'
    '\n'
    'Every year we provide billions of kroner for research and innovation in the ocean industries through programmes at the Research Council and '
)
# fmt: on

CORPUS_TEXTS = Path(__file__).resolve().parents[1] / "corpus" / "texts"

ALL_TEXTS = {
    "seed": (SEED, "nb"), "nn_utgjevar": (NN_UTGJEVAR, "nn"), "nb_contacts": (NB_CONTACTS, "nb"),
    "en_nepal": (EN_NEPAL, "en"), "en_oil": (EN_OIL, "en"), "nn_kicker": (NN_KICKER, "nn"),
    "nn_dash_list": (NN_DASH_LIST, "nn"), "nb_caption": (NB_CAPTION, "nb"),
    "nb_bullets": (NB_BULLETS, "nb"), "nb_cut_contact": (NB_CUT_CONTACT, "nb"),
    "nn_invitation": (NN_INVITATION, "nn"), "en_headings": (EN_HEADINGS, "en"),
}


def kinds(text: str, lang: str) -> list[str]:
    return [s.kind for s in split_sections(text, lang)[0]]


def section_texts(text: str, lang: str) -> list[tuple[str, str]]:
    return [(s.kind, text[s.start:s.end].strip()) for s in split_sections(text, lang)[0]]


def assert_partition(text: str, sections: list[Section]) -> None:
    if not text:
        assert sections == []
        return
    assert sections[0].start == 0
    assert sections[-1].end == len(text)
    for a, b in zip(sections, sections[1:]):
        assert a.end == b.start
    for s in sections:
        assert s.start < s.end
        assert s.kind in KINDS
        for a, z in s.items:
            assert s.start <= a < z <= s.end


# ----------------------------------------------------------------------------- the seed

SEED_KINDS = [
    "title", "dateline", "lead", "quote", "quote", "quote", "links",
    "heading", "list",
    "heading", "paragraph",
    "heading", "paragraph", "paragraph",
    "heading", "facts", "facts", "links",
    "boilerplate",
]


def test_seed_kind_sequence() -> None:
    assert kinds(SEED, "nb") == SEED_KINDS


def test_seed_sections_start_at_line_starts_and_own_their_newlines() -> None:
    secs, _ = split_sections(SEED, "nb")
    assert_partition(SEED, secs)
    for s in secs[1:]:
        assert SEED[s.start - 1] == "\n"
    # The list starts at its line, indentation included; the blank lines after it are its.
    lst = next(s for s in secs if s.kind == "list")
    assert SEED[lst.start:lst.start + 4] == "  • "
    assert SEED[lst.start:lst.end].endswith("\n\n\n")
    assert SEED[secs[-1].start:secs[-1].end] == ">>>"


def test_seed_list_items_and_headings() -> None:
    secs, _ = split_sections(SEED, "nb")
    lst = next(s for s in secs if s.kind == "list")
    assert len(lst.items) == 2
    first, second = (SEED[a:z] for a, z in lst.items)
    assert first.startswith("H2Cluster – The Norwegian Hydrogen Cluster")
    assert first.endswith("for økt eksport.")
    assert second.startswith("Cluster for Applied AI med 39 medlemmer")
    assert lst.heading == "IFE partner i to av klyngene"
    headings = [s.heading for s in secs if s.kind == "heading"]
    assert headings == ["IFE partner i to av klyngene", "Fokus på bærekraft i klyngesamarbeidet",
                        "Høy kvalitet ", "Fakta om klyngeprogrammet:"]
    assert all(s.heading is None for s in secs[:7])
    assert all(s.heading == "Fakta om klyngeprogrammet:" for s in secs[-4:])


def test_seed_meta() -> None:
    secs, meta = split_sections(SEED, "nb")
    assert meta.title == "To nye Arena-klynger for digital omstilling og fornybar energi"
    assert meta.published_span is not None
    assert SEED[slice(*meta.published_span)] == "19. november 2020"
    assert meta.updated_span is None
    assert meta.publisher is None
    assert meta.truncated is False
    assert "truncated" not in kinds(SEED, "nb")


def test_seed_quote_paragraphs() -> None:
    quotes = [t for k, t in section_texts(SEED, "nb") if k == "quote"]
    assert quotes[0].startswith("– Vi er svært glade")
    assert quotes[1].startswith("Ni nye miljøer")          # "– ... sier X" inside
    assert quotes[2].endswith("Linda Hofstad Helleland.")
    leads = [t for k, t in section_texts(SEED, "nb") if k == "lead"]
    assert leads == ["Regjeringen utnevnte i dag nye næringsklynger med digital og grønn profil."]


# ----------------------------------------------------------------------------- nn / en / metadata

def test_nn_utgjevar_release() -> None:
    assert kinds(NN_UTGJEVAR, "nn") == [
        "navigation", "title", "navigation", "metadata", "metadata", "dateline",
        "metadata", "metadata", "dateline", "metadata", "boilerplate", "lead",
        "paragraph", "paragraph", "quote", "contact",
    ]
    _, meta = split_sections(NN_UTGJEVAR, "nn")
    assert meta.publisher == "Kommunal- og regionaldepartementet"
    assert meta.press_release_no == "257/2005"
    assert NN_UTGJEVAR[slice(*meta.published_span)] == "14.10.2005"
    assert meta.title == "Nytt program skal styrkje innovasjonspolitikken — Norwegian Centres of Expertise"
    assert meta.contacts == [{
        "name": None, "phone": "22 24 25 00", "email": None,
        "start": NN_UTGJEVAR.index("Pressetelefonen"), "end": len(NN_UTGJEVAR)}]
    assert meta.truncated is False


def test_nb_contacts_block_and_number() -> None:
    secs, meta = split_sections(NB_CONTACTS, "nb")
    got = section_texts(NB_CONTACTS, "nb")
    assert ("contact", "Kontaktpersoner:") in got
    assert ("lead", got[5][1]) == got[5] and got[5][1].startswith("I statsråd 7. november 2003")
    assert ("boilerplate", "Innovasjon Norge") in got          # the title repeated
    assert meta.publisher == "Nærings- og handelsdepartementet"
    assert meta.press_release_no == "64/03"
    assert NB_CONTACTS[slice(*meta.published_span)] == "07. november 2003"
    assert [(c["name"], c["phone"]) for c in meta.contacts] == [
        ("Eirik Lae Solberg", "95 07 87 60"), ("Øistein Øisjøfoss", "22 24 01 25")]
    c = meta.contacts[0]
    assert NB_CONTACTS[c["start"]:c["end"]] == "Politisk rådgiver Eirik Lae Solberg, telefon 95 07 87 60"
    # Stops mid-word: "Fra 1. januar 2004 tre"
    assert meta.truncated is True
    assert got[-1] == ("truncated", "Fra 1. januar 2004 tre")


def test_en_pipe_dateline_with_update() -> None:
    got = section_texts(EN_NEPAL, "en")
    assert [k for k, _ in got] == ["title", "navigation", "metadata", "metadata", "dateline",
                                   "lead", "paragraph", "quote", "quote", "truncated"]
    _, meta = split_sections(EN_NEPAL, "en")
    assert EN_NEPAL[slice(*meta.published_span)] == "28/04/2015"
    assert EN_NEPAL[slice(*meta.updated_span)] == "29/04/2015"
    assert meta.press_release_no == "61/2015"
    assert meta.publisher == "The Office of the Prime Minister"
    assert meta.truncated is True


def test_en_header_repeated_title_and_truncation() -> None:
    assert kinds(EN_OIL, "en") == [
        "navigation", "title", "navigation", "metadata", "metadata", "metadata", "metadata",
        "dateline", "boilerplate", "lead", "paragraph", "paragraph", "truncated"]
    _, meta = split_sections(EN_OIL, "en")
    assert meta.press_release_no == "32/99"
    assert EN_OIL[slice(*meta.published_span)] == "10.05.99"
    assert meta.publisher == "Ministry of Petroleum and Energy"


def test_en_headings_and_quoted_heading() -> None:
    got = section_texts(EN_HEADINGS, "en")
    assert ("heading", "“Great opportunities”") in got
    assert ("heading", "Ocean ministers") in got
    assert ("heading", "Government efforts on behalf of the ocean industries:") in got
    assert [k for k, t in got if t.startswith("“The sea is one")] == ["quote"]
    assert got[-1][0] == "truncated"


def test_kicker_above_title_is_metadata() -> None:
    got = section_texts(NN_KICKER, "nn")
    assert got[:3] == [("navigation", "Historisk arkiv"), ("metadata", "Statsbudsjettet 2012"),
                       ("title", "40 millionar kroner til nytt næringshageprogram")]
    assert split_sections(NN_KICKER, "nn")[1].title == "40 millionar kroner til nytt næringshageprogram"


def test_dash_items_are_a_list_and_cut_last_item_truncates() -> None:
    secs, meta = split_sections(NN_DASH_LIST, "nn")
    assert [s.kind for s in secs][:6] == ["metadata", "title", "navigation", "metadata",
                                          "metadata", "dateline"]
    last = secs[-1]
    assert last.kind == "truncated"               # "- 300 000 kroner til" while the others end in "."
    assert len(last.items) == 8
    assert NN_DASH_LIST[slice(*last.items[0])].startswith("7,5 millionar kroner til Kilden")
    assert meta.truncated is True
    assert meta.press_release_no == "87/12"
    assert NN_DASH_LIST[slice(*meta.published_span)] == "08.10.2012"


def test_bullet_list_and_dash_quotes() -> None:
    secs, _ = split_sections(NB_BULLETS, "nb")
    lst = [s for s in secs if s.kind == "list"]
    assert len(lst) == 1
    assert [NB_BULLETS[a:z] for a, z in lst[0].items] == [
        "NODE (Norwegian Offshore & Drilling Engineering)", "Energy and Emissions Trading",
        "Tourism – Fjord Norway"]
    got = section_texts(NB_BULLETS, "nb")
    assert [k for k, t in got if t.startswith("- ")] == ["quote", "quote", "quote"]
    assert ("heading", "Mer om de nye NCE-klyngene:") in got


def test_caption_cluster() -> None:
    got = section_texts(NB_CAPTION, "nb")
    assert [k for k, t in got if "Brende på giver" in t or t.startswith("(Foto")] == [
        "caption", "caption", "caption"]


def test_cut_contact_line_is_truncated_but_read() -> None:
    secs, meta = split_sections(NB_CUT_CONTACT, "nb")
    assert secs[-1].kind == "truncated"
    assert NB_CUT_CONTACT[secs[-1].start:secs[-1].end] == "Pressekontakt: Astrid Sehl, mob "
    assert meta.truncated is True
    assert meta.contacts[-1]["name"] == "Astrid Sehl"
    assert meta.contacts[-1]["phone"] is None


def test_nn_invitation_contacts() -> None:
    got = section_texts(NN_INVITATION, "nn")
    assert got[0] == ("metadata", "Presseinvitasjon")
    assert got[1] == ("title", "Statsråd Astrup besøker Viken")
    assert ("heading", "Program for statsråd Nikolai Astrup fredag 27. august") in got
    assert [k for k, _ in got[-3:]] == ["contact", "contact", "contact"]
    _, meta = split_sections(NN_INVITATION, "nn")
    assert [(c["name"], c["phone"], c["email"]) for c in meta.contacts] == [
        ("Bettina Flatland", "975 98 000", None), (None, "22 24 25 00", "ke@kmd.dep.no")]
    assert meta.truncated is False


# ----------------------------------------------------------------------------- single lines in context

LINE_CASES = [
    ("nb", "Historisk arkiv", "navigation"),
    ("nb", "Aktiver Javascript i din nettleser for en bedre opplevelse på regjeringen.no", "boilerplate"),
    ("nb", "Publisert under: Regjeringen Solberg", "metadata"),
    ("nb", "Utgiver: Nærings- og fiskeridepartementet", "metadata"),
    ("nn", "Utgjevar: Kulturdepartementet", "metadata"),
    ("nb", "Nr.: 64/03", "metadata"),
    ("nn", "Pressemelding | Nr: 87/12 | Dato: 08.10.2012", "dateline"),
    ("nb", "Dato: 07. november 2003", "dateline"),
    ("nb", "Pressemelding 14.10.2005", "dateline"),
    ("en", "Press release | Date: 08/02/2019 | Last updated: 22/03/2019", "dateline"),
    ("en", "Date: 10.05.99", "dateline"),
    ("nb", "Priv. til red.", "metadata"),
    ("nb", "Sted: Radisson Blue Royal hotell, Bryggen", "metadata"),
    ("nb", "Kommunal- og regionaldepartementets pressetelefon: 22 24 25 00.", "contact"),
    ("nb", "Kontaktperson: Statssekretær Guri Størvold, mob.tlf. 915 50 596.", "contact"),
    ("nb", "Journalister som ønsker å dekke konferansen må melde seg på til media@nfd.dep.no innen fredag kl 16.00.", "contact"),
    ("nb", "Terje Riis-Johansen besøker Bioenergy Innovation centre. Foto: UMB", "caption"),
    ("en", "Plan for utbygging, anlegg og drift. Credit: Northern Lights", "caption"),
    ("nb", "Les olje- og energiministerens tale her.", "links"),
    ("nb", "Se hele programmet her", "links"),
    ("nn", "Sjå sendinga her", "links"),
    ("en", "Update January 2020: The finished strategy can now be found here", "links"),
    ("en", "Equinor's press release: Go-ahead for the Northern Lights project.", "links"),
    ("nb", "Opptak fra pressekonferansen på nett-tv .", "links"),
    ("nb", "https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/", "links"),
    ("nb", "For mer informasjon, se http://www.innovasjonnorge.no/nic.", "links"),
    ("nb", "Til toppen", "boilerplate"),
    ("nb", "Dette innholdet er mer enn 2 år gammelt.", "boilerplate"),
    ("nb", ">>>", "boilerplate"),
    ("nb", "Rekordstor satsing", "heading"),
    ("nn", "Noregs forskingsråd", "heading"),
    ("en", "Ocean ministers", "heading"),
    ("nb", "-Jeg er oppriktig bekymret for det budskapet som kommer fra klimaforskerne. Vi må gjøre mer for klimaet, sa Terje Riis-Johansen.", "quote"),
    ("nb", "- Vi er stolte over å ha næringsmiljøer i Norge som er ledende internasjonalt på sine områder, sier kommunal- og regionalminister Kleppa.", "quote"),
    ("nn", "– Investeringar i forsking og innovasjon er avgjerande for å sikre den framtidige konkurranseevna til norske verksemder, seier nærings- og handelsminister Sylvia Brustad.", "quote"),
    ("en", "— Carbon capture and storage (CCS) is important to achieve the goals of the Paris Agreement, says Minister of Petroleum and Energy, Mrs. Tina Bru.", "quote"),
    ("en", "Norway is providing an additional NOK 15 million to support efforts to combat the Ebola outbreak. ‘The outbreak of Ebola virus disease in West Africa is cause for great concern,’ said Minister of Foreign Affairs Børge Brende.", "quote"),
    ("nb", "Ho viser til at inga regjering tidlegare har sett av like mykje pengar til forsking.", "paragraph"),
    ("nb", "Av Kari Nordmann", "byline"),
]


@pytest.mark.parametrize("lang,line,kind", LINE_CASES)
def test_line_kind_in_context(lang: str, line: str, kind: str) -> None:
    # Title, lead, the line, then one more body paragraph so a heading has text under it.
    text = f"Tittel på saken\n\nFørste avsnitt er ingressen.\n\n{line}\n\nEt avsnitt etterpå.\n"
    secs, _ = split_sections(text, lang)
    assert_partition(text, secs)
    assert secs[2].kind == kind, [(s.kind, text[s.start:s.end]) for s in secs]
    assert text[secs[2].start:secs[2].end].strip() == line


@pytest.mark.parametrize("credit", ["Foto: Tom Hansen, Innovasjon Norge", "Foto: NFD"])
def test_credit_line_is_caption(credit: str) -> None:
    text = f"Tittel\n\nIngress her.\n\nNæringsministeren på besøk. {credit}\n\nSlutt.\n"
    secs, _ = split_sections(text, "nb")
    assert secs[2].kind == "caption"


def test_multi_line_contact_is_one_person() -> None:
    text = ("Tittel\n\nIngress.\n\nKontakt:\nOla Nordmann\nKommunikasjonssjef\n"
            "Tlf: 22 24 25 00\nola.nordmann@example.no\n")
    secs, meta = split_sections(text, "nb")
    assert [s.kind for s in secs] == ["title", "lead"] + ["contact"] * 5
    assert meta.contacts == [{"name": "Ola Nordmann", "phone": "22 24 25 00",
                              "email": "ola.nordmann@example.no",
                              "start": text.index("Ola"), "end": len(text) - 1}]
    assert meta.truncated is False


def test_single_dash_line_without_attribution_is_a_quote_not_a_list() -> None:
    text = "Tittel\n\nIngress.\n\n- Dette er et viktig steg for oss.\n\nMer tekst.\n"
    assert kinds(text, "nb") == ["title", "lead", "quote", "paragraph"]


def test_two_dash_items_make_a_list() -> None:
    text = ("Tittel\n\nAndre faste tiltak får ein auke på 11,6 millionar kroner. Dette gjeld mellom anna:\n"
            "- 7,5 millionar kroner til Kilden.\n- 700 000 kroner til Østfold Teater.\n")
    secs, _ = split_sections(text, "nn")
    assert [s.kind for s in secs] == ["title", "lead", "list"]
    assert [text[a:z] for a, z in secs[2].items] == [
        "7,5 millionar kroner til Kilden.", "700 000 kroner til Østfold Teater."]


def test_single_strong_bullet_is_a_list() -> None:
    text = "Tittel\n\nIngress.\n\n • Som ei oppfølging av klimaforliket.\n"
    assert kinds(text, "nn") == ["title", "lead", "list"]


def test_truncated_mid_sentence_and_trailing_junk_ignored() -> None:
    cut = "Tittel\n\nIngress.\n\nRegiondiskusjonen går i flere av de nordiske landen\n\n>>>\n"
    secs, meta = split_sections(cut, "nb")
    assert [s.kind for s in secs] == ["title", "lead", "truncated", "boilerplate"]
    assert meta.truncated is True
    whole = "Tittel\n\nIngress.\n\nDette er en hel setning.\n\n>>>\n"
    assert split_sections(whole, "nb")[1].truncated is False


def test_final_contact_number_and_links_are_not_truncation() -> None:
    text = "Tittel\n\nIngress.\n\nKommunal- og moderniseringsdepartementets pressetelefon: 22 24 25 00"
    assert split_sections(text, "nb")[1].truncated is False
    text = "Tittel\n\nIngress.\n\nSe hele programmet her"
    assert split_sections(text, "nb")[1].truncated is False


# ----------------------------------------------------------------------------- invariants, rules, speed

def test_empty_and_blank_text() -> None:
    assert split_sections("", "nb") == ([], DocMeta())
    secs, _ = split_sections("  \n\n ", "nb")
    assert [(s.kind, s.start, s.end) for s in secs] == [("boilerplate", 0, 5)]


def test_leading_whitespace_belongs_to_first_section() -> None:
    text = "\n\n  Tittel\n\nIngress.\n"
    secs, meta = split_sections(text, "nb")
    assert secs[0].start == 0 and secs[0].kind == "title"
    assert meta.title == "Tittel"


@pytest.mark.parametrize("name", sorted(ALL_TEXTS))
def test_embedded_texts_partition(name: str) -> None:
    text, lang = ALL_TEXTS[name]
    secs, meta = split_sections(text, lang)
    assert_partition(text, secs)
    assert meta.truncated == (secs[-1].kind == "truncated" or any(
        s.kind == "truncated" for s in secs))
    for span in (meta.published_span, meta.updated_span):
        if span is not None:
            assert 0 <= span[0] < span[1] <= len(text)


def test_corpus_texts_partition() -> None:
    """Every text the lead copied into corpus/texts/ is sectioned with no gaps or overlaps."""
    if not CORPUS_TEXTS.is_dir():
        pytest.skip("corpus/texts/ not present")
    files = sorted(CORPUS_TEXTS.glob("*.txt"))
    if not files:
        pytest.skip("corpus/texts/ is empty")
    for path in files:
        text = path.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\xa0", " ")
        for lang in ("nb", "nn", "en"):
            secs, _ = split_sections(text, lang)
            assert_partition(text, secs)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "Tittel", "Historisk arkiv", "Publisert: 19. november 2020", "Utgiver: X", "• punkt",
    "- punkt", "– Sitat, sier Ola.", "1. første", "Foto: Ola Nordmann, NTB", ">>>",
    "Kontakt:", "22 24 25 00", "http://x.no", "Fakta om x:", "Vanlig setning.", "kort",
    "", " ", "  ", "\t", "a | Dato: 1.2.2020", "«Sitat»", "Av Kari Nordmann", "-"]), max_size=25),
    st.sampled_from(["nb", "nn", "en", "da"]))
def test_partition_property(lines: list[str], lang: str) -> None:
    text = "\n".join(lines)
    secs, _ = split_sections(text, lang)
    assert_partition(text, secs)


def test_unknown_language_falls_back() -> None:
    assert kinds(SEED, "sv") == SEED_KINDS


def test_no_entity_kinds() -> None:
    assert NO_ENTITY_KINDS <= KINDS
    assert {"navigation", "boilerplate"} <= NO_ENTITY_KINDS
    assert not ({"lead", "paragraph", "quote", "list", "facts", "truncated", "links"} & NO_ENTITY_KINDS)


def test_rule_files_check_clean() -> None:
    assert check_rules() == []


def test_bad_regex_fails_on_load() -> None:
    with pytest.raises(ValidationError):
        LangSectionRules.model_validate({"date": ["\\d{1,2}"], "navigation": ["(unclosed"]},
                                        context={"folder": "nb"})


def test_unknown_rule_key_fails_on_load() -> None:
    with pytest.raises(ValidationError):
        LangSectionRules.model_validate({"date": ["\\d+"], "navigaton": []},
                                        context={"folder": "nb"})


def test_sections_word_lists_come_from_their_home() -> None:
    # Speech verbs are quotes.yaml's; a copy in sections.yaml is an unknown key.
    with pytest.raises(ValidationError):
        LangSectionRules.model_validate({"date": ["\\d+"], "speech_verbs": ["sier"]},
                                        context={"folder": "nb"})
    rules = LangSectionRules.model_validate(
        {"date": ["\\d{1,2}\\.[ ]?{MONTH}"], "published": ["{PUBLISHED_LABEL}:[ ]*(?P<date>{DATE})"],
         "quote_attribution": ["[,.][ ]*(?:{SPEECH})\\b"]}, context={"folder": "nb"})
    published = re.compile(rules._patterns["published"][0])
    assert published.fullmatch("Publiseringsdato: 19. November")
    assert re.compile(rules._patterns["quote_attribution"][0]).search("bra, fortsetter hun")


@pytest.mark.parametrize("field,pattern", [
    ("published", "(?P<date>{DATES})"),       # misspelt {DATE}
    ("quote_attribution", "<<SPEECH>>x{SPECH}"),  # misspelt, in an old dialect beside it
    ("date", "\\d+ {DATE}"),                   # a date cannot contain the dates
])
def test_sections_unknown_placeholder_fails_on_load(field: str, pattern: str) -> None:
    data = {"date": ["\\d+"], field: [pattern]}
    with pytest.raises(ValidationError, match="unknown placeholder"):
        LangSectionRules.model_validate(data, context={"folder": "nb"})


def test_named_group_required_for_extraction_rules() -> None:
    with pytest.raises(ValidationError):
        LangSectionRules.model_validate({"date": ["\\d+"], "speech_verbs": [],
                                         "publisher": ["Utgiver: (.+)"]})


# ----------------------------------------------------------------------------- other newsroom layouts

@pytest.mark.parametrize("lang,line,published,updated", [
    ("nb", "Publisert: 19.11.2020 Oppdatert: 20.11.2020", "19.11.2020", "20.11.2020"),
    ("nb", "Publisert 19. november 2020, kl. 10:00 | Sist oppdatert 20. november 2020",
     "19. november 2020", "20. november 2020"),
    ("nb", "Pressemelding • 19.11.2020 08:00 CET", "19.11.2020", None),
    ("nb", "Oslo, 19. november 2020", "19. november 2020", None),
    ("en", "Published 19 November 2020 | Updated 20 November 2020", "19 November 2020",
     "20 November 2020"),
])
def test_date_line_variants(lang: str, line: str, published: str, updated: str | None) -> None:
    text = f"Tittel\n\n{line}\n\nIngressen er her.\n"
    secs, meta = split_sections(text, lang)
    assert secs[1].kind == "dateline"
    assert text[slice(*meta.published_span)] == published
    assert (text[slice(*meta.updated_span)] if meta.updated_span else None) == updated


def test_date_inside_a_sentence_is_no_date_line() -> None:
    text = "Tittel\n\nSøknadsfristen er 1.2.2020 for alle.\n"
    assert kinds(text, "nb") == ["title", "lead"]
    assert split_sections(text, "nb")[1].published_span is None


def test_dateline_opening_the_lead() -> None:
    text = ("Equinor signs agreement\n\nOSLO, Norway, 19 November 2020 – Equinor today announced "
            "a new agreement.\n\nMore text.\n")
    secs, meta = split_sections(text, "en")
    assert [s.kind for s in secs] == ["title", "lead", "paragraph"]
    assert text[slice(*meta.published_span)] == "19 November 2020"


def test_ministry_kicker_is_navigation() -> None:
    text = ("Historisk arkiv\n\nUtenriksdepartementet\n\n"
            "Norge gir 80 millioner kr til investeringsfond for ren energi\n\nHistorisk arkiv\n\n"
            "Publisert under: Regjeringen Stoltenberg II\n\nUtgiver: Utenriksdepartementet\n\n"
            "Norge går sammen med EU om å øke investeringer i fornybar energi og "
            "energieffektivisering i utviklingsland.\n")
    secs, meta = split_sections(text, "nb")
    assert [s.kind for s in secs] == ["navigation", "navigation", "title", "navigation",
                                      "metadata", "metadata", "lead"]
    assert meta.publisher == "Utenriksdepartementet"


def test_contact_label_then_blank_line_then_person() -> None:
    text = ("Tittel\n\nIngress.\n\nKontaktpersoner:\n\nOla Nordmann, kommunikasjonssjef\n"
            "Tlf: 22 24 25 00\n")
    secs, meta = split_sections(text, "nb")
    assert [s.kind for s in secs] == ["title", "lead", "contact", "contact", "contact"]
    assert [(c["name"], c["phone"]) for c in meta.contacts] == [("Ola Nordmann", "22 24 25 00")]


def test_question_heading() -> None:
    text = "Tittel\n\nIngress.\n\nHva er en næringsklynge?\n\nEn klynge er en gruppe bedrifter.\n"
    assert kinds(text, "nb") == ["title", "lead", "heading", "paragraph"]


def test_ends_marker_is_boilerplate() -> None:
    text = "Title\n\nLead sentence here.\n\n- ENDS -\n"
    secs, meta = split_sections(text, "en")
    assert [s.kind for s in secs] == ["title", "lead", "boilerplate"]
    assert meta.truncated is False


# Regression: the sections stage had its own phone pattern, Norwegian numbers only, so a
# Swedish number on its own line was a paragraph and a Danish one was cut to its first
# eight digits; it reads addresses with the contact normaliser's patterns now.
# (vinnova-vinnvaxt-regionala-innovationsmiljoer-2017, ufm-ginp-groent-internationalt-samarbejde-2022)
@pytest.mark.parametrize("lang,text,phone", [
    ("sv", "Vinnväxt\n\nVinnova satsar på regionala miljöer.\n\nKontakt\n\nAndrea Råsberg\n\n"
           "Handläggare\n\n+46 8 473 31 59\n", "+46 8 473 31 59"),
    ("da", "Nyt program\n\nStyrelsen åbner et program.\n\nKontakt\n\nBenedikta Harris\n"
           "Specialkonsulent\nTlf.: +45 72 31 85 54\nEmail: bsha@ufm.dk\n", "+45 72 31 85 54"),
    ("nb", "Tittel\n\nIngress.\n\nKontakt:\nOla Nordmann\nTlf: 22 24 25 00\n", "22 24 25 00"),
])
def test_nordic_phone_line_is_contact(lang: str, text: str, phone: str) -> None:
    secs, meta = split_sections(text, lang)
    line = next(s for s in secs if text[s.start:s.end].strip().endswith(phone))
    assert line.kind == "contact"
    assert [c["phone"] for c in meta.contacts if c["phone"]] == [phone]


# ----------------------------------------------------------------------------- the published date

# Release headers (regjeringen.no, NLOD 2.0; the seed), moved here from tests/test_dates.py
SEED_HEAD = """To nye Arena-klynger for digital omstilling og fornybar energi

Publisert: 19. november 2020

Regjeringen utnevnte i dag nye næringsklynger med digital og grønn profil.
"""

HEAD_1999 = """Historical archive

NOK 100 million to project related technology development in the oil and gas sector

Historical archive

Published under: Bondevik's 1st Government

Publisher: Ministry of Petroleum and Energy

Press Release

No.: 32/99
Date: 10.05.99
"""

HEAD_2005 = """Historisk arkiv

Nytt program skal styrkje innovasjonspolitikken — Norwegian Centres of Expertise

Historisk arkiv

Publisert under: Regjeringen Bondevik II

Utgjevar: Kommunal- og regionaldepartementet

Pressemelding 14.10.2005

Pressemelding
"""

HEAD_2012 = """Statsbudsjettet 2013:
Auke på nær 115 millionar kroner til scenekunst
Historisk arkiv
Publisert under: Regjeringen Stoltenberg II
Utgjevar: Kulturdepartementet
Pressemelding | Nr: 87/12 | Dato: 08.10.2012
Regjeringa foreslår ein samla auke på 114,9 millionar kroner til scenekunstformål.
"""

HEAD_2003 = """Historisk arkiv

Innovasjon Norge

Publisert under: Regjeringen Bondevik II

I statsråd 7. november 2003 fremmet Regjeringen en odelstingsproposisjon.

Pressemelding

Nr.: 64/03
Dato: 07. november 2003
"""

HEAD_OWN_LINE = """Nye klynger i Arena-programmet

19.11.2020

Ni nye miljøer blir tatt opp i programmet 1. januar 2021.
"""

HEAD_NONE = """Historisk arkiv

Norge gir 460 millioner til Syria

Publisert under: Regjeringen Solberg

I dag avholdes den andre internasjonale giverlandskonferansen for Syria i 2014.
"""

PUBLISHED = [
    ("seed", "nb", SEED_HEAD, "19. november 2020", "2020-11-19"),
    ("1999-en", "en", HEAD_1999, "10.05.99", "1999-05-10"),
    ("2005", "nn", HEAD_2005, "14.10.2005", "2005-10-14"),
    ("2012", "nn", HEAD_2012, "08.10.2012", "2012-10-08"),
    ("2003", "nb", HEAD_2003, "07. november 2003", "2003-11-07"),
    ("own-line", "nb", HEAD_OWN_LINE, "19.11.2020", "2020-11-19"),
    ("none", "nb", HEAD_NONE, None, None),
    ("en-label", "en", "Title\n\nPublished: 19 November 2020\n\nText today.", "19 November 2020", "2020-11-19"),
    ("dato", "nb", "Tittel\nDato: 14.10.2005\n", "14.10.2005", "2005-10-14"),
]


@pytest.mark.parametrize("origin,lang,text,raw,value", PUBLISHED, ids=[f"published:{p[0]}" for p in PUBLISHED])
def test_published_date_of_a_header(origin: str, lang: str, text: str, raw: str | None,
                                    value: str | None) -> None:
    # The published date is found once, by the sections stage: its date line, else the
    # header's labelled line or a date alone under the title (once dates.find_published).
    _, meta = split_sections(text, lang)
    if raw is None:
        assert meta.published_span is None
        return
    assert meta.published_span is not None
    assert text[slice(*meta.published_span)] == raw
    got = parse_date(raw, lang)
    assert got is not None and got.value == value and got.precision == "day"


# Headers where only the header search (no date line) finds the published date; openings
# of cruiseindustrynews-gce-blue-maritime-2025, hydrogen-no-enige-om-hydrogenklynge-2019
# and ufm-ginp-groent-internationalt-samarbejde-2022 (the outputs these dates came from).
@pytest.mark.parametrize("lang,text,raw", [
    ("en", " date 2025-09-03 The Norwegian maritime cluster, GCE Blue Maritime Cluster, and "
           "Cruise Industry News have entered into a strategic partnership.\n\nGCE Blue "
           "Maritime Cluster members will now benefit.\n", "2025-09-03"),
    ("nb", "Enige om å etablere hydrogenklynge\n\nEt tjuetalls norske hydrogenaktører ble mandag "
           "17. juni enige om å gå videre.\n\n17 juni 2019\n\n\nHydrogenaktørene møttes på "
           "Gardermoen.\n", "17 juni 2019"),
    ("da", "Nyt program støtter grønt internationalt samarbejde\n\n20. december 2022\n"
           "Uddannelses- og Forskningsstyrelsen har i 2022 uddelt 17 bevillinger.\n",
     "20. december 2022"),
])
def test_published_date_from_the_header_without_a_date_line(lang: str, text: str, raw: str) -> None:
    secs, meta = split_sections(text, lang)
    assert "dateline" not in [s.kind for s in secs]
    assert meta.published_span is not None and text[slice(*meta.published_span)] == raw
