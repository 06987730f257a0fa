/** Common Russian function words that Tajik lacks: evidence that a line is Russian, not Tajik typed without its letters. */
export const RUSSIAN_FUNCTION_WORDS: readonly string[] = [
  "в",
  "и",
  "что",
  "это",
  "не",
  "для",
  "как",
  "он",
  "она",
  "они",
  "по",
  "от",
  "из",
  "при",
  "или",
  "был",
  "была",
  "было",
  "с",
  "к",
  "у",
  "же",
  "так",
];

/**
 * Function words of Tajik's Cyrillic neighbours (Russian, Bulgarian, Ukrainian, Serbian, Macedonian, Mongolian)
 * that Tajik never writes as a word: evidence against Tajik in language ID, where a short line of Slavic loans
 * (`алтернативи при хи-квадрат`, `оптимизираме за вашия хардуер`) reads like Tajik ezafe. Each occurs fewer than
 * 10 times in the Tajik reference text's word counts (data/tajik-words.txt.gz; ба: 19,231). Left out because
 * Tajik writes them: по об во на не се як ба чи так да они тези бол, and every one-letter word.
 */
export const NEIGHBOUR_FUNCTION_WORDS: readonly string[] = (
  "что это для как она от из при или был была было же со ко без до под над через уже ещё еще все всё его её их мы " +
  "вы ты нет будет есть если чтобы только можно также за ще към със във са като който която които това тази ако " +
  "ли още вече след между або що це від та ви ми буде щоб якщо цей ця ці вже лише також із зі під од ги го ја што " +
  "кој према код као али сви може овај овој тоа тие ова тој нь юм байна энэ тэр гэж болон"
).split(" ");
