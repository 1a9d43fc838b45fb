/*
 * Korean search: query splitter and stemmer, the twin of korean_search.py.
 *
 * korean_search.py puts this file in language_data.js after Snowball's
 * EnglishStemmer, a KOREAN_SEARCH_RULES object (korean_search_rules.json,
 * completed with the term list and the project's protected words) and the
 * KOREAN_SEARCH_SUGGESTIONS list of page names. Every rule below must do what
 * the Python side does, or queries will not find what the index holds.
 */

var KoreanSearch = (function (rules) {
  const protectedWords = new Set(rules.protected.map((w) => w.toLowerCase()));
  const particles = new Set(rules.particles);
  // Longest first; Array.prototype.sort is stable, like Python's sorted().
  const suffixes = rules.endings
    .map((s) => [s, rules.ending_min_stem])
    .concat(rules.particles.map((s) => [s, 1]))
    .sort((a, b) => b[0].length - a[0].length);
  const hangul = rules.hangul;
  const hangulWord = new RegExp(`^[${hangul}]+$`, "u");
  const wordPattern = new RegExp(
    `[${hangul}]+|(?:(?![${hangul}])[\\p{L}\\p{N}_])+`,
    "gu",
  );
  const english = new EnglishStemmer();
  const stems = new Map();

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

  const stemUncached = (word) => {
    word = word.normalize("NFC").toLowerCase();
    if (protectedWords.has(word)) return word;
    if (hangulWord.test(word)) return stripHangul(word);
    return english.stemWord(word);
  };

  const stem = (word) => {
    if (!stems.has(word)) stems.set(word, stemUncached(word));
    return stems.get(word);
  };

  // Hangul runs and runs of other letters, digits and "_", as written.
  const tokens = (text) => text.match(wordPattern) || [];

  // Phrases: stems put together -> the words that replace them.
  let longest = 1;
  const key = (words) => words.map(stem).join("");
  const replace = (words, phrases) => {
    const wordStems = words.map(stem);
    const found = [];
    let i = 0;
    while (i < words.length) {
      let n = Math.min(longest, words.length - i);
      for (; n > 0; n--) {
        const replacement = phrases.get(wordStems.slice(i, i + n).join(""));
        if (replacement !== undefined) {
          found.push(...replacement);
          break;
        }
      }
      if (n > 0) i += n;
      else found.push(words[i++]);
    }
    return found;
  };

  const compounds = new Map();
  for (const compound of rules.compounds) {
    const parts = tokens(compound);
    compounds.set(key(parts), [parts.join("").toLowerCase()]);
    longest = Math.max(longest, parts.length);
  }
  const targets = (synonyms) => {
    const found = new Map();
    for (const [source, target] of Object.entries(synonyms)) {
      const words = tokens(source);
      found.set(
        key(words),
        replace(tokens(target), compounds).map((w) => w.toLowerCase()),
      );
      longest = Math.max(longest, words.length);
    }
    return found;
  };
  const indexPhrases = new Map([...compounds, ...targets(rules.synonyms)]);
  const queryPhrases = new Map([
    ...indexPhrases,
    ...targets(rules.query_synonyms),
  ]);

  return {
    stem,
    tokens,
    splitQuery: (query) => replace(tokens(query), queryPhrases),
  };
})(KOREAN_SEARCH_RULES);

var Stemmer = function () {
  this.stemWord = KoreanSearch.stem;
};

// Replaces searchtools.js's default, which keeps "Celery를" as one word and
// knows no phrases: "타임아웃" becomes "시간제한", "시간 제한을" "시간제한".
var splitQuery = KoreanSearch.splitQuery;

// A search that finds nothing: after Sphinx's message (sphinx.po has the
// project's Korean text), links to the pages that may help.
if (typeof Search !== "undefined") {
  const query = Search.query;
  Search.query = (text) => {
    query(text);
    if (Search.output && !Search.output.hasChildNodes()) {
      const index = Search._index;
      const list = document.createElement("ul");
      list.classList.add("search-suggestions");
      for (const name of KOREAN_SEARCH_SUGGESTIONS) {
        const found = index.docnames.indexOf(name);
        if (found < 0) continue;
        const link = list
          .appendChild(document.createElement("li"))
          .appendChild(document.createElement("a"));
        link.href =
          DOCUMENTATION_OPTIONS.BUILDER === "dirhtml"
            ? `${document.documentElement.dataset.content_root}${name}/`
            : name + DOCUMENTATION_OPTIONS.LINK_SUFFIX;
        link.textContent = index.titles[found];
      }
      if (list.hasChildNodes()) Search.status.after(list);
    }
  };
}
