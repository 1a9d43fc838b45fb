/*
 * Korean search: query splitter and stemmer, the twin of korean_search.py.
 *
 * korean_search.py puts this file in language_data.js after Snowball's
 * EnglishStemmer and a KOREAN_SEARCH_RULES object (korean_search_rules.json
 * plus the project's protected words). Every rule below must do what the
 * Python side does, or queries will not find what the index holds.
 */

var Stemmer = function () {
  const rules = KOREAN_SEARCH_RULES;
  const protectedWords = new Set(rules.protected.map((w) => w.toLowerCase()));
  const particles = new Set(rules.particles);
  // Longest first; Array.prototype.sort is stable, like Python's sorted().
  const suffixes = rules.endings
    .map((s) => [s, rules.ending_min_stem])
    .concat(rules.particles.map((s) => [s, 1]))
    .sort((a, b) => b[0].length - a[0].length);
  const hangulWord = new RegExp(`^[${rules.hangul}]+$`, "u");
  const english = new EnglishStemmer();

  const stripHangul = (word) => {
    while (word.length > 1 && !protectedWords.has(word) && !particles.has(word)) {
      const found = suffixes.find(
        ([suffix, minStem]) =>
          word.endsWith(suffix) && word.length - suffix.length >= minStem,
      );
      if (!found) break;
      word = word.slice(0, word.length - found[0].length);
    }
    return word;
  };

  this.stemWord = (word) => {
    word = word.normalize("NFC").toLowerCase();
    if (protectedWords.has(word)) return word;
    if (hangulWord.test(word)) return stripHangul(word);
    return english.stemWord(word);
  };
};

// Replaces searchtools.js's default, which keeps "Celery를" as one word:
// Hangul runs and runs of other letters, digits and "_" are separate words.
var splitQuery = (query) => {
  const hangul = KOREAN_SEARCH_RULES.hangul;
  const word = new RegExp(
    `[${hangul}]+|(?:(?![${hangul}])[\\p{L}\\p{N}_])+`,
    "gu",
  );
  return query.match(word) || [];
};
