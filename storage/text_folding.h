/** @file
 *  @brief The character folds behind every index and query term, one code point at a time.
 *
 *  TextAnalyzer applies NFKC_Casefold first (width, compatibility forms, ligatures, case, ß,
 *  final sigma, default-ignorable characters such as bidi controls). What is left is below, in
 *  two strengths:
 *
 *  - **Exact** (always): tatweel removed; Traditional Chinese characters mapped to their
 *    Simplified form with OpenCC's character table (TSCharacters), so that 電子郵件 and 电子邮件
 *    are the same terms. The table is applied one character at a time, never by phrase, so a
 *    character folds the same way whatever surrounds it and a substring of a text always folds
 *    to a substring of the folded text.
 *  - **Diacritic-insensitive** (the default search): on top of exact,
 *    - Latin and Greek letters lose their combining marks (résumé, Ångström, Việt, ά, ΐ);
 *      Turkish dotless ı becomes i (İ is already i + U+0307 after case folding);
 *    - Cyrillic ё/ѐ become е; other Cyrillic letters keep their marks, because й, ї and ў are
 *      letters of their own, not accented и, і and у;
 *    - Arabic tashkeel and Quranic marks removed; alef with hamza or madda and alef wasla
 *      become alef; alef maksura and Persian yeh become yeh; keheh becomes kaf; waw and yeh
 *      with hamza become waw and yeh; teh marbuta and the Persian heh forms become heh;
 *    - Hebrew niqqud and cantillation removed.
 *    Marks that make a different letter elsewhere stay: Japanese dakuten (が is not か), Thai,
 *    Devanagari and other Indic vowel signs, Hangul.
 */
#pragma once

#include <string>

namespace docket {

enum class FoldStrength { kExact, kDiacriticInsensitive };

/// Appends the fold of `c` (a code point of NFKC_Casefold output) to `out` as UTF-8.
/// Returns false when the character is dropped (a removed mark or tatweel).
bool AppendFolded(char32_t c, FoldStrength strength, std::string* out);

/// True when no fold of either strength changes `c` (lower-case Cyrillic other than ё, most
/// Arabic letters, Hangul, Thai, ...): the caller can copy its bytes as they are. A fast
/// answer for the common letters of non-Latin scripts; false is always safe.
bool IsFoldInvariant(char32_t c);

/// The Simplified form of a Traditional Chinese character (OpenCC TSCharacters, first
/// candidate); `c` itself when there is none. Thread-safe; the table loads once per process.
char32_t SimplifiedHan(char32_t c);

/// False when OpenCC's dictionary could not be loaded (then SimplifiedHan is the identity
/// and Traditional and Simplified text are not folded together); the reason is in `why`.
bool ChineseFoldingAvailable(std::string* why = nullptr);

}  // namespace docket
