import pytest

from wsoa.domain.leads import describe_lead, lead_codes, match_codes

GLOSSARY = {"DCS": "Karen Bradshaw", "DoP": "Claire Parker", "SALT SM": "Sam Jones", "EAS M\u2019ger": "Chris Kerry"}


@pytest.mark.parametrize(
    ("lead_text", "codes"),
    [
        ("DCS", ["DCS"]),
        ("DoP/DCS", ["DoP", "DCS"]),
        ("DoP / DCS", ["DoP", "DCS"]),
        ("PACC & CC", ["PACC", "CC"]),
        ("DCS, DoP and NO", ["DCS", "DoP", "NO"]),
        ("DCS/DCS", ["DCS"]),
        ("", []),
        (None, []),
    ],
)
def test_lead_cells_split_into_codes(lead_text, codes):
    assert lead_codes(lead_text) == codes


def test_a_code_with_a_space_is_one_code_not_two():
    assert match_codes("SALT SM", GLOSSARY) == ["SALT SM"]


def test_codes_match_whatever_the_apostrophe_or_case():
    assert match_codes("EAS M'ger", GLOSSARY) == ["EAS M\u2019ger"]
    assert match_codes("dcs", GLOSSARY) == ["DCS"]


def test_unknown_codes_are_left_out_of_matches_but_shown_as_written():
    assert match_codes("DPH", GLOSSARY) == []
    assert describe_lead("DPH", GLOSSARY) == "DPH"


def test_lead_is_described_with_the_people_holding_each_role():
    assert describe_lead("DoP/DCS", GLOSSARY) == "DoP (Claire Parker), DCS (Karen Bradshaw)"


@pytest.mark.parametrize(
    ("lead_text", "codes"),
    [
        # How seed 004's Priority 6 writes the leads its glossary spells "EAS M’ger", "EIS M’gr" and "DoPH"
        ("EAS Mgr", ["EAS M\u2019ger"]),
        ("EAS mgr", ["EAS M\u2019ger"]),
        ("EAS mg'r", ["EAS M\u2019ger"]),
        ("EAS manager", ["EAS M\u2019ger"]),
        ("EIS mg'r", ["EIS M\u2019gr"]),
        ("DPH", ["DoPH"]),
        ("DPH/EAS Mgr", ["DoPH", "EAS M\u2019ger"]),
        ("DoP/AD Early Help and partnerships", ["DoP"]),
        ("SEN services mg'r", []),
        ("EAS", []),
    ],
)
def test_common_abbreviations_of_a_code_still_name_its_role(lead_text, codes):
    glossary = ["DCS", "DoP", "DoPH", "EAS M\u2019ger", "EIS M\u2019gr", "SALT SM"]
    assert match_codes(lead_text, glossary) == codes


def test_a_loose_match_that_could_be_either_of_two_codes_names_neither():
    assert match_codes("DP", ["DoP", "DP"]) == ["DP"]
    assert match_codes("DT", ["DoT", "D'T"]) == []


def test_glossary_rows_without_a_code_are_passed_over():
    assert match_codes("DCS", [None, "DCS", ""]) == ["DCS"]
