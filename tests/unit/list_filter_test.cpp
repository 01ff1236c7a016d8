// LIST filters (ELIST=MNU): names, masks, !masks, member counts.
#include "irc/list_filter.hpp"
#include "support/catch.hpp"

using sala::irc::list_filter;

TEST_CASE("list filter: empty lists all; names and masks select, case-insensitively", "[irc][list]")
{
    CHECK(list_filter("").admits("#any", 0));
    CHECK(list_filter("#chan1").admits("#Chan1", 3));
    CHECK_FALSE(list_filter("#chan1").admits("#chan2", 3));
    CHECK(list_filter("*an1").admits("#chan1", 1));
    CHECK(list_filter("#c*n2").admits("#chan2", 1));
    CHECK_FALSE(list_filter("*an3").admits("#chan1", 1));
    CHECK(list_filter("#a,#b").admits("#b", 1));
}

TEST_CASE("list filter: !masks exclude, member counts bound, all together", "[irc][list]")
{
    CHECK_FALSE(list_filter("!*an1").admits("#chan1", 1));
    CHECK(list_filter("!*an1").admits("#chan2", 1));
    CHECK_FALSE(list_filter("!#ch*").admits("#chan2", 1));
    CHECK(list_filter(">0").admits("#chan1", 1));
    CHECK_FALSE(list_filter(">1").admits("#chan1", 1));
    CHECK(list_filter("<2").admits("#chan1", 1));
    CHECK_FALSE(list_filter("<1").admits("#chan1", 1));
    CHECK(list_filter("#ch*,>1,!*2").admits("#chan1", 2));
    CHECK_FALSE(list_filter("#ch*,>1,!*2").admits("#chan2", 2));
    CHECK_FALSE(list_filter("#ch*,>1,!*2").admits("#chan1", 1));
    // A malformed bound is taken as a name, which matches no channel here.
    CHECK_FALSE(list_filter(">x").admits("#chan1", 5));
}
