#include <secondline/storage/store.h>
#include <secondline/validation/mrz_parser.h>
#include <cstdio>
#include <cstring>
using namespace secondline;
static core::SecretBytes pw(const char* s) {
    return *core::SecretBytes::copyOf({reinterpret_cast<const std::uint8_t*>(s), std::strlen(s)});
}
struct Clock : core::Clock {
    core::TimePoint now() const override {
        return core::TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 27}.time_since_epoch() +
                               std::chrono::hours{9}};
    }
};
int main(int, char** argv) {
    Clock clock;
    std::string path = std::string(argv[1]) + "/store.db";
    storage::CreateOptions o;
    o.kdf = privacy::KdfParams::fastForTests();
    if (!storage::Store::create(path, "admin", pw("admin-password"), o, clock)) return 1;
    {
        auto a = storage::Store::open(path, "admin", pw("admin-password"), {}, clock);
        if (!a ||
            !a->addUser("officer1", privacy::Role::Officer, pw("officer-password"), privacy::KdfParams::fastForTests()))
            return 2;
    }
    auto s = storage::Store::open(path, "officer1", pw("officer-password"), {}, clock);
    if (!s) return 3;
    validation::ParseOptions po;
    po.inspectionDate = std::chrono::sys_days{std::chrono::year{2026} / 11 / 27};
    for (const char* text :
         {"P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
          "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
          "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"}) {
        auto d = validation::parseMrzText(text, po);
        if (!d || !s->addRecord(*d, {.source = "fixture"})) return 4;
    }
    // Schema 2 added the blind indexes; a lookup through them must survive later migrations.
    auto found = s->findByDocument("UTO", "L898902C3");
    if (!found || found->size() != 1) return 5;
    std::puts("ok");
}
