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

/** The reviewing guidelines shown in the side panel, as titled sections of plain text. */
export const GUIDELINES: Array<{ title: string; body: string[] }> = [
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
