/** Why a sample can be rejected: a code the catalog keeps and the Tajik label reviewers see. */
export const REJECT_REASONS: Array<{ code: string; label: string }> = [
  { code: "factual_error", label: "Хатои мазмунӣ ё илмӣ" },
  { code: "language_error", label: "Хатои забонӣ ё имлоӣ" },
  { code: "wrong_grade", label: "Ба синф мувофиқ нест" },
  { code: "off_task", label: "Ба супориш ҷавоб намедиҳад" },
  { code: "unsafe", label: "Мундариҷаи номатлуб" },
  { code: "not_tajik", label: "Забонаш тоҷикӣ нест" },
  { code: "duplicate", label: "Такрорӣ" },
  { code: "other", label: "Сабаби дигар (дар эзоҳ нависед)" },
];

/** A titled section of guidelines: plain-text paragraphs, and optionally their English gloss, line for line. */
export interface GuideSection {
  title: string;
  body: string[];
  gloss?: string[];
}

/** The reviewing guidelines shown in the side panel, as titled sections of plain text. */
export const GUIDELINES: GuideSection[] = [
  {
    title: "Вазифаи шумо",
    body: [
      "Ҳар намуна як саволу ҷавоби омӯзгор ва хонанда аст. Онро хонед ва қарор кунед: қабул, таҳрир ё рад.",
      "Ҷавоб бояд дуруст, равшан ва ба синфи зикргардида мувофиқ бошад.",
    ],
  },
  {
    title: "Кай қабул кунем",
    body: [
      "Мазмун дуруст аст, забон адабӣ ва бе хато, ҳарфҳои тоҷикӣ (ғ, ӣ, қ, ӯ, ҳ, ҷ) дуруст навишта шудаанд.",
      "Агар хатои хурд бошад, матнро таҳрир кунед ва нигоҳ доред: таҳрир ҳамчун қабул ҳисоб мешавад.",
    ],
  },
  {
    title: "Кай рад кунем",
    body: [
      "Хатои илмӣ, ҷавоби номувофиқ ба савол, забони дигар ё мундариҷаи номатлуб.",
      "Сабабро аз рӯйхат интихоб кунед; агар лозим бошад, эзоҳ нависед.",
    ],
  },
  {
    title: "Баҳо (1–5)",
    body: ["1 — бефоида, 2 — заиф, 3 — қаноатбахш, 4 — хуб, 5 — намунаи аъло барои дарс."],
  },
];

/**
 * The guidelines for rating a passage's educational value 0–5, in Tajik for the reviewers, each line with an
 * English gloss for those who run the app. The scale follows what a tutor of schoolchildren would use in class.
 */
export const EDU_GUIDELINES: GuideSection[] = [
  {
    title: "Вазифаи шумо",
    body: [
      "Порчаи матнро хонед ва баҳо диҳед, ки он барои таълими хонандагони мактаб то чӣ андоза муфид аст: аз 0 то 5.",
      "Арзиши омӯзиширо баҳо диҳед, на имлоро: оё хонанда аз ин матн чизи нав меомӯзад?",
    ],
    gloss: [
      "Read the passage and rate how useful it is for teaching school pupils, from 0 to 5.",
      "Rate the teaching value, not the spelling: does a pupil learn something new from this text?",
    ],
  },
  {
    title: "Шкалаи баҳо (0–5)",
    body: [
      "0 — бефоида ё матн нест: сатрҳои барнома, меню, реклама, рӯйхати пайвандҳо, матни вайрон ё ғайритоҷикӣ.",
      "1 — матни муқаррарӣ бе арзиши таълимӣ: хабари кӯтоҳ, эълон, сӯҳбати форум, матни шахсӣ.",
      "2 — каме маълумоти муфид дорад, вале бо чизҳои бегона омехта ё хеле сатҳӣ аст.",
      "3 — мавзӯъро равшан шарҳ медиҳад ва дар дарс ба кор меояд, гарчанде барои мактаб навишта нашудааст.",
      "4 — матни хуби таълимӣ: пайдарпай, дуруст, барои синфҳои мактаб мувофиқ (мисли китоби дарсӣ).",
      "5 — намунаи аъло: бевосита дар дарс истифода мешавад — мисолҳо, шарҳи қадам ба қадам, савол ва машқҳо.",
    ],
    gloss: [
      "0 — useless or not text: software strings, menus, ads, link lists, broken or non-Tajik text.",
      "1 — ordinary text without teaching value: short news, announcements, forum chatter, personal text.",
      "2 — some useful information, but mixed with unrelated material or very superficial.",
      "3 — explains a topic clearly and helps in a lesson, though not written for school.",
      "4 — good educational text: coherent, correct, suited to school grades (like a textbook).",
      "5 — excellent: usable in class as it is — examples, step-by-step explanation, questions and exercises.",
    ],
  },
  {
    title: "Маслиҳатҳо",
    body: [
      "Агар дар байни ду баҳо шубҳа кунед, баҳои поёнтарро интихоб кунед.",
      "Дарозӣ баҳоро баланд намекунад: порчаи кӯтоҳ, вале пурмазмун баҳои баланд мегирад.",
      "Мундариҷаи номатлуб (зӯроварӣ, нафрат, барои калонсолон) ҳамеша 0 аст; дар эзоҳ нависед.",
      "Баҳои дигаронро намебинед: мустақилона баҳо диҳед. Агар баҳоҳо аз 2 зиёд фарқ кунанд, сарвар қарор медиҳад.",
    ],
    gloss: [
      "When torn between two ratings, choose the lower one.",
      "Length does not raise the rating: a short but substantial passage rates high.",
      "Unsafe content (violence, hate, adult) is always 0; say so in the comment.",
      "You do not see others' ratings: rate independently. Ratings more than 2 apart go to a lead.",
    ],
  },
];
