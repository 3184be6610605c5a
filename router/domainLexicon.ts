import type { RequestQueue } from './requestTypes.js';

/**
 * Word beginnings (folded: lower case, no diacritics) that name each queue's subject in Finnish, Swedish and
 * English. The classifier gets a `lex:<queue>` feature when a word starts with one (or, for the `*`-marked
 * compound parts, contains one: Finnish and Swedish glue words together, "ajoneuvovero", "fordonsskatt").
 * It is a feature, not a rule: naive Bayes learns from the corpus how much each one counts. Why: the corpus cannot
 * hold every word citizens use, and these are the registers' own vocabulary, known without guessing.
 */
export const DOMAIN_LEXICON: Record<RequestQueue, readonly string[]> = {
  population: [
    'osoit', '*osoite', 'muutt', 'muuto', 'muutin', 'asuin', 'asun', 'kotikun', 'nimi', 'nime', '*nimi', 'sukunim', 'etunim', 'avio', 'naimi', 'naima', 'eron', 'eronn', 'leski', 'siviilisaa',
    'kuoli', 'kuole', 'kuolin', 'vainaj', 'syntyi', 'syntym', 'vauva', 'lapse', 'lapsi', 'tytar', 'poika', 'huolta', 'isyy', 'aitiy', 'adopt', 'kansalai', 'turvakiel', 'vaesto', 'dvv', 'virkatodist', 'puoliso', 'aidinkiel',
    'adress', '*adress', 'flytt', 'bosatt', 'hemkommun', 'namn', '*namn', 'efternamn', 'fornamn', 'gift', 'aktensk', 'skild', 'skilsm', 'anka', 'civilst', 'dog', 'dod', 'avled', 'avlid', 'fodd', 'fodel', 'barn', 'dotter', 'son', 'vardnad', 'faderskap',
    'medborg', 'sparrmark', 'befolkn', 'ambetsbetyg', 'make', 'maka', 'sambo', 'modersmal',
    'address', 'moved', 'move', 'moving', 'relocat', 'municipal', 'surname', 'name', 'married', 'marriage', 'divorc', 'widow', 'marital', 'died', 'death', 'passed', 'deceased', 'born', 'birth', 'baby', 'newborn', 'child',
    'daughter', 'custody', 'guardian', 'paternity', 'adopt', 'citizen', 'nationality', 'non-disclosure', 'nondisclosure', 'population', 'spouse', 'wife', 'husband', 'partnership', 'mother tongue',
    'maastamuut', 'paluumuut', 'edunvalv', 'holhou', '*parisuhte', 'parisuhde', 'perhesuhte', 'vastasynt', 'utflytt', 'inflytt', 'aterflytt', 'intressebevak', 'formyndar', 'partnerskap', 'slaktrelation', 'familjerelation', 'emigrat', 'emigrer', 'emigrating', 'home municipality', 'family relation', 'maiden name',
  ],
  tax: [
    'vero', '*vero', 'verot', 'verok', 'veroti', 'verop', 'verohall', 'verott', 'jaannosvero', 'palautu', 'vahenn', 'tulot', 'tuloa', 'tulon', 'tuloi', 'tulotie', 'tulorek', '*tulot', '*tuloa', 'palkk', 'pidaty', 'ennakko', 'osink', 'paaomatul', 'ansiotul', 'oikaisu', 'tuloraja', 'omavero', 'perinto', 'lahjavero',
    'skatt', '*skatt', 'beskatt', 'aterbar', 'kvarskatt', 'restskatt', 'avdrag', 'inkomst', 'lon', 'forskott', 'dividend', 'kapitalinkomst', 'forvarvsinkomst', 'omprovn', 'deklar', 'minskatt',
    'tax', 'taxes', 'taxat', 'refund', 'deduct', 'income', 'salary', 'wage', 'withhold', 'dividend', 'assessment', 'prepayment', 'earned', 'capital gain', 'pension income', 'mytax',
    '*vahenn', 'kotitalousvahe', 'tyomatkakul', 'matkakulu', 'luovutusvoit', 'vuokratul', 'kevytyritt', 'arvonlisa', 'alv', 'toiminim', 'veronumer', 'kiinteistover', 'maksujarjestel', '*avdrag', '*inkomst', 'overlatelsevinst', 'moms', 'naringsidk', 'arvsskatt', 'gavoskatt', 'inheritance', 'gift tax', 'sole trader', 'capital gains', 'commut', 'withholding', 'property tax', 'real estate tax', 'back taxes',
  ],
  vehicles: [
    'auto', '*auto', 'ajoneuv', '*ajoneuv', 'rekisterikil', 'kilpi', 'kilve', 'rekkari', 'katsast', 'ajokort', '*ajokort', 'ajo-oike', 'ajokiel', 'omistajanvaih', 'moottoripyor', 'mopo', 'peravaun', 'traktor', 'kayttovoimavero', 'liikennekay', 'romut', 'traficom', 'kuorma-aut', 'asuntovaun', 'vene',
    'bil', '*bil', 'fordon', '*fordon', 'registreringsskylt', 'skylt', 'besikt', 'korkort', '*korkort', 'korratt', 'korforbud', 'agarbyte', 'motorcykel', 'moped', 'slapvagn', 'drivkraft', 'avstall', 'skrot', 'lastbil', 'husvagn', 'bat',
    'car', 'cars', 'vehicle', 'plate', 'plates', 'inspection', 'driving', 'driver', 'driving licence', 'driving license', 'licence category', 'licence categories', 'ownership', 'owner', 'motorbike', 'motorcycle', 'moped', 'trailer', 'tractor', 'deregist', 'scrap', 'truck', 'caravan', 'odometer', 'diesel', 'petrol',
    'maahantuon', 'perakarr', 'monkij', 'liikennevakuut', 'kuljettajantutk', 'ajoharjoit', 'autokoul', 'registreringsbevis', 'registreringsintyg', 'slapkarr', 'fyrhjuling', 'trafikforsakr', 'korskol', 'number plate', 'licence plate', 'license plate', 'registration certificate', 'motor insurance', 'traffic insurance', 'driving school', 'off the road', 'atv', 'quad bike',
  ],
  education: [
    'tutkinto', 'tutkinno', '*tutkinto', 'tutkintotodist', 'paattotodist', 'ylioppilastodist', 'opintosuoritus', 'arvosan', 'opinto', 'opintorek', 'opiske', 'opinn', 'koski', 'ylioppil', 'yo-', 'lukio', 'peruskoul', 'ammattikoul', 'amk', 'yliopisto', 'korkeakoul', 'maisteri', 'kandi', 'tohtori', 'valmistu', 'koulutu', 'kurssi', 'opintopist', 'oppilaitos', 'oppisopim', 'opettaj',
    'examen', '*examen', 'betyg', 'vitsord', 'studie', 'studera', 'studerar', 'student', 'gymnasi', 'grundskol', 'yrkesskol', 'hogskol', 'universitet', 'magister', 'kandidat', 'doktor', 'utexamin', 'utbildn', 'kurs', 'studiepoang', 'laroanstalt', 'laroavtal', 'larar',
    'degree', 'diploma', 'degree certificate', 'leaving certificate', 'matriculation exam', 'school certificate', 'grade', 'grades', 'study', 'studies', 'studied', 'transcript', 'matriculat', 'university', 'graduat', 'bachelor', 'master', 'doctoral', 'doctorate', 'qualification', 'credits', 'ects', 'course', 'education', 'vocational', 'thesis', 'apprentice', 'teacher',
    'oppimi', 'kansakoul', 'kielitutk', 'opetushall', 'insinoor', 'folkskol', 'disputation', 'larande', 'inskriv', 'phd', 'semester', 'enrol', 'high school', 'upper secondary', 'comprehensive school', 'primary school', 'language proficiency', 'exam', 'open university',
  ],
  health: [
    'laak', '*laak', 'veriko', '*terveyd', 'kipea', 'paivystys', '*terapi', 'korona', 'covid', 'corona', 'testitul', 'omakan', 'naontark', 'nako', 'naon', 'kuulo', '*sairaanhoi', 'neuvol', 'kuntoutu', 'muistisair', 'kuume', 'verenpain', 'resept', 'potila', 'sairaal', '*sairaal', 'sairau', 'terveys', '*terveys', 'terveyd', 'rokot', '*rokot', 'rokote', 'diagnoo', 'hoito', '*hoito', 'hoitaj', 'omakant', 'kanta', 'masenn', 'ahdist', 'mielenterv', 'psykiat', 'psykolog', 'terapi', 'hammas', 'kipu', 'kipua', 'labor', 'verikoe', 'leikkau', 'ajoterv', 'rajoituskoodi', 'allergi', 'raskau', 'synnyty', 'paihde', 'itsemurh', 'neuvola', 'apteek',
    'lakar', '*lakar', 'synunders', 'synen', 'horsel', 'rehabilit', 'demens', 'feber', 'blodtryck', 'radgivning', 'halsovard', '*halsovard', 'testresult', 'recept', 'patient', 'sjukhus', '*sjukhus', 'sjuk', 'halso', '*halso', 'vaccin', 'diagnos', 'vardcentral', 'vardko', 'vardplats', 'vardfel', '*sjukvard', 'kanta', 'depression', 'angest', 'psykisk', 'psykiat', 'psykolog', 'terapi', 'tandlak', 'tandvark', 'smarta', 'labb', 'blodprov', 'operation', 'begransningskod', 'allergi', 'graviditet', 'forlossn', 'missbruk', 'sjalvmord', 'apotek',
    'doctor', 'prescription', 'eye test', 'eyesight', 'vision', 'hearing', 'rehabilitat', 'dementia', 'fever', 'blood pressure', 'test result', 'stroke', 'epilep', 'diabet', 'medicine', 'medication', 'meds', 'pills', 'patient', 'hospital', 'health', 'vaccin', 'diagnos', 'treatment', 'nurse', 'clinic', 'depress', 'anxi', 'mental', 'psychiat', 'psycholog', 'therap', 'dentist', 'dental', 'pain', 'lab result', 'blood test', 'surgery', 'medical', 'restriction code', 'allerg', 'pregnan', 'suicid', 'pharmacy', 'sick',
    'oire', 'flunss', 'yska', '*sarky', 'sarke', 'paansar', '*tulehd', '*ihottum', '*kipu', '*kivut', 'ear infection', 'turvo', 'unetto', 'muistitest', 'sairausloma', 'vastaanotolle', 'symtom', 'forkyl', 'hosta', 'remiss', 'inflammation', 'utslag', 'sjukskriv', 'minnet', 'minnestest', 'tandvard', 'symptom', 'cough', 'influenza', 'headache', 'ache', 'rash', 'infection', 'referral', 'memory test', 'memory loss', 'injur', 'swollen', 'contagious', 'nursing', 'flu shot', 'the flu',
  ],
  triage: [
    'pysakoin', 'parkki', 'sakko', 'jate', 'roska', 'passi', 'henkilokortti', 'poliisi', 'tyotto', 'kela', 'asumistuki', 'toimeentulo', 'lapsilisa', 'elake', 'paivakot', 'kiusa', 'palvelu', 'kirjaudu', 'sivusto', 'valitus', 'palaute', 'oleskelulupa', 'migri', 'vuokra', 'sahkolasku',
    'parkering', 'bot', 'sopor', 'avfall', 'pass', 'identitetskort', 'polis', 'arbetslos', 'fpa', 'bostadsbidrag', 'utkomststod', 'barnbidrag', 'pension', 'dagvard', 'mobb', 'tjanst', 'logga', 'webbplats', 'klagomal', 'respons', 'uppehallstillst', 'hyres',
    'parking', 'fine', 'garbage', 'waste', 'bin', 'passport', 'identity card', 'police', 'unemploy', 'kela', 'allowance', 'benefit', 'daycare', 'bully', 'service', 'website', 'log in', 'login', 'complain', 'feedback', 'residence permit', 'landlord', 'bill',
    '*elake', 'kansanelak', 'aselup', 'vaali', 'aanest', 'kirjasto', 'katuval', 'rikosilm', 'opintotu', 'opintolain', 'paivarah', 'kotihoidon tu', 'ulosot', 'sovellus', 'asiakaspalvel', '*pension', 'vapenlicens', 'rosta', 'bibliotek', 'studiestod', 'studielan', '*dagpenning', 'hemvardsstod', 'utsokning', 'brottsanm', 'kundtjanst', 'election', 'vote', 'voting', 'polling', 'weather', 'library', 'student aid', 'student loan', 'financial aid', 'national pension', 'firearm', 'crime', 'enforcement', 'customer service', 'thank', 'congratulation',
  ],
};
