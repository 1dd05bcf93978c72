#include <secondline/validation/names.h>

#include <gtest/gtest.h>

#include <algorithm>

using namespace secondline::validation;

namespace {
bool hasForm(std::string_view name, const std::string& form) {
    const auto forms = transliterate(name);
    return std::find(forms.begin(), forms.end(), form) != forms.end();
}
} // namespace

TEST(Transliteration, LatinNationalCharacters) {
    EXPECT_EQ(transliterate("Müller").front(), "MUELLER");
    EXPECT_TRUE(hasForm("Müller", "MULLER"));
    EXPECT_TRUE(hasForm("Müller", "MUXXLLER"));
    EXPECT_EQ(transliterate("Straße").front(), "STRASSE");
    EXPECT_EQ(transliterate("Ørsted").front(), "OERSTED");
    EXPECT_EQ(transliterate("Åse").front(), "AASE");
    EXPECT_TRUE(hasForm("Åse", "ASE"));
    EXPECT_EQ(transliterate("Þór").front(), "THOR");
    EXPECT_EQ(transliterate("Łukasz Żółć").front(), "LUKASZ<ZOLC");
    EXPECT_EQ(transliterate("Ibáñez").front(), "IBANEZ");
    EXPECT_EQ(transliterate("Ştefănescu").front(), "STEFANESCU");
    EXPECT_EQ(transliterate("Ðorđević").front(), "DORDEVIC");
}

TEST(Transliteration, SeparatorsAndPunctuation) {
    EXPECT_EQ(transliterate("van der Berg").front(), "VAN<DER<BERG");
    EXPECT_EQ(transliterate("Smith-Jones").front(), "SMITH<JONES");
    EXPECT_EQ(transliterate("O'Brien").front(), "OBRIEN");
    EXPECT_EQ(transliterate("  Anna   Maria ").front(), "ANNA<MARIA");
}

TEST(Transliteration, CyrillicAndGreek) {
    EXPECT_EQ(transliterate("Щербак").front(), "SHCHERBAK");
    EXPECT_EQ(transliterate("Юлия").front(), "IULIIA");
    EXPECT_EQ(transliterate("Жанна").front(), "ZHANNA");
    EXPECT_EQ(transliterate("Хрущёв").front(), "KHRUSHCHEV");
    EXPECT_EQ(transliterate("Παπαδόπουλος").front(), "PAPADOPOULOS");
    EXPECT_EQ(transliterate("Ευάγγελος").front(), "EVANGELOS");
    EXPECT_TRUE(hasForm("Ευάγγελος", "EVAGGELOS"));
}

TEST(Transliteration, UnknownCharactersNeverBecomeMrzCharacters) {
    const auto forms = transliterate("王");
    ASSERT_FALSE(forms.empty());
    EXPECT_NE(forms.front().find('?'), std::string::npos);
    EXPECT_EQ(transliterate("\xff\xfe").front(), "??");
}

TEST(Transliteration, VariantCountIsBounded) {
    const auto forms = transliterate("ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ", 16);
    EXPECT_LE(forms.size(), 16u);
}

TEST(NameComparison, AcceptsEveryRecommendedForm) {
    EXPECT_EQ(compareName("Müller", "MULLER", false), NameMatch::Match);
    EXPECT_EQ(compareName("Müller", "MUELLER<<<<", false), NameMatch::Match);
    EXPECT_EQ(compareName("Müller", "MILLER", false), NameMatch::Mismatch);
    EXPECT_EQ(compareName("Anna Maria", "ANNA<MARIA", false), NameMatch::Match);
}

TEST(NameComparison, TruncationOnlyWhenTheFieldIsFull) {
    EXPECT_EQ(compareName("Wolfeschlegelsteinhausen", "WOLFESCHLEGEL", true), NameMatch::TruncatedMatch);
    EXPECT_EQ(compareName("Wolfeschlegelsteinhausen", "WOLFESCHLEGEL", false), NameMatch::Mismatch);
}
