"""Natural order of addresses (the enumerator's list) and the list's search."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from tepat.natural import natural_key


@given(
    st.lists(st.integers(0, 10**6), min_size=1, max_size=20),
    st.sampled_from(["Jl. Kota No. ", "jl. kota no. ", "Gg. Mawar "]),
)
def test_house_numbers_sort_as_numbers(numbers, street):
    addresses = [f"{street}{n}" for n in numbers]
    assert [int(a.removeprefix(street)) for a in sorted(addresses, key=natural_key)] == sorted(numbers)


@given(st.lists(st.one_of(st.none(), st.text(max_size=12)), max_size=12))
@example(["²", "No. 2", " ", None, "No. ١٢"])  # digits that are not ASCII stay text
def test_any_texts_compare_and_empty_ones_come_last(texts):
    ordered = sorted(texts, key=natural_key)
    empties = [t for t in ordered if not t or not t.strip()]
    assert ordered[len(ordered) - len(empties) :] == empties


def test_the_enumerators_list_is_in_walking_order_and_searchable(client, cast, import_file, tmp_path):
    from datetime import date

    from tepat.regions.models import Region
    from tepat.registry.models import Family
    from tepat.verivali.actions import campaign_families, do_assign_campaign, do_create_campaign
    from tests.files import P3KE_HEADER, family_rows, write_xlsx

    rows = []
    for base, (address, rt) in enumerate(
        [("Jl. Contoh No. 146", "2"), ("Jl. Contoh No. 38", "2"), ("Jl. Contoh No. 9", "10")], start=1
    ):
        rows += family_rows(f"F{base}", base=base, alamat=address, rt=rt)
    import_file(write_xlsx(tmp_path / "a.xlsx", rows, header=[*P3KE_HEADER, "rt"]), cast["analyst"])
    assert Family.objects.count() == 3
    campaign = do_create_campaign(
        {
            "name": "V",
            "period_start": date(2026, 11, 1),
            "period_end": date(2026, 12, 31),
            "max_desil": 2,
            "selection": "desil 1-2",
        },
        kelurahan=Region.objects.filter(code="12.74.05.1010"),
        acting_user=cast["analyst"],
    )
    do_assign_campaign(campaign_families(campaign), enumerator=cast["enumerator"], acting_user=cast["analyst"])
    client.force_login(cast["enumerator"])
    page = client.get("/verivali/tugas/").content.decode()
    positions = [page.index(a) for a in ("Jl. Contoh No. 38", "Jl. Contoh No. 146", "Jl. Contoh No. 9")]
    assert positions == sorted(positions)  # RT 2 before RT 10, then No. 38 before No. 146
    found = client.get("/verivali/tugas/", {"q": "no. 146"}).content.decode()
    assert "Jl. Contoh No. 146" in found and "Jl. Contoh No. 38" not in found
