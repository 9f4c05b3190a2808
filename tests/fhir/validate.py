"""Validates netspec's FHIR output with fhir.resources (R4B models).

Usage: validate.py QUESTIONNAIRE_DIR RESPONSE_DIR

Every `*.json` in QUESTIONNAIRE_DIR must parse as an R4B `Questionnaire`,
with unique linkIds, every group holding items, every choice item answer
options; every `*.json` in RESPONSE_DIR as an R4B `QuestionnaireResponse`
whose `questionnaire` is one of those Questionnaires (url|version), and
whose items stand where the Questionnaire has them, with answers of the
type FHIR gives each item type (R4 Questionnaire item type table). These
checks are written here, apart from netspec's own reader. Prints one line
per failure and `N passed, N failed`; exits 1 on any failure.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

# the answer value[x] each item type takes (FHIR R4, Questionnaire.item.type)
VALUE_KEYS = {
    "boolean": {"valueBoolean"},
    "decimal": {"valueDecimal"},
    "integer": {"valueInteger"},
    "date": {"valueDate"},
    "string": {"valueString"},
    "choice": {"valueCoding"},
}


def check_questionnaire(q: dict) -> tuple[list[str], dict[str, dict]]:
    problems: list[str] = []
    by_link: dict[str, dict] = {}

    def walk(items: list[dict], where: str) -> None:
        for i, it in enumerate(items):
            here = f"{where}item[{i}]"
            link = it["linkId"]
            if link in by_link:
                problems.append(f"{here}: linkId {link!r} used twice")
            by_link[link] = it
            if it["type"] == "group" and not it.get("item"):
                problems.append(f"{here}: a group without items")
            if it["type"] == "choice" and not it.get("answerOption"):
                problems.append(f"{here}: a choice without answer options")
            walk(it.get("item", []), here + ".")

    walk(q.get("item", []), "")
    return problems, by_link


def check_response(qr: dict, q: dict) -> list[str]:
    problems: list[str] = []

    def walk(items: list[dict], allowed: list[dict], where: str) -> None:
        by_link = {it["linkId"]: it for it in allowed}
        seen: set[str] = set()
        for i, it in enumerate(items):
            here = f"{where}item[{i}]"
            qi = by_link.get(it["linkId"])
            if qi is None:
                problems.append(f"{here}: linkId {it['linkId']!r} is not in the Questionnaire there")
                continue
            if it["linkId"] in seen and not qi.get("repeats"):
                problems.append(f"{here}: {it['linkId']!r} repeats but does not repeat in the Questionnaire")
            seen.add(it["linkId"])
            answers = it.get("answer", [])
            if qi["type"] == "group" and answers:
                problems.append(f"{here}: a group with answers")
            if len(answers) > 1 and not qi.get("repeats"):
                problems.append(f"{here}: {len(answers)} answers")
            for j, a in enumerate(answers):
                keys = {k for k in a if k.startswith("value")}
                if keys != set() and not keys <= VALUE_KEYS.get(qi["type"], set()):
                    problems.append(f"{here}.answer[{j}]: {sorted(keys)} for a {qi['type']} item")
                if "valueCoding" in a:
                    codes = [o["valueCoding"]["code"] for o in qi.get("answerOption", [])]
                    if a["valueCoding"].get("code") not in codes:
                        problems.append(f"{here}.answer[{j}]: code not among the answer options")
            walk(it.get("item", []), qi.get("item", []), here + ".")

    walk(qr.get("item", []), q.get("item", []), "")
    return problems


def main() -> int:
    qdir, rdir = Path(sys.argv[1]), Path(sys.argv[2])
    passed = failed = 0
    questionnaires: dict[str, dict] = {}
    for path in sorted(qdir.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        try:
            Questionnaire.model_validate_json(text)
        except Exception as e:  # pydantic's ValidationError, and JSON errors
            print(f"FAIL {path.name}: not a valid R4B Questionnaire: {e}")
            failed += 1
            continue
        q = json.loads(text)
        problems, _ = check_questionnaire(q)
        if problems:
            print(f"FAIL {path.name}: " + "; ".join(problems[:5]))
            failed += 1
            continue
        questionnaires[f"{q['url']}|{q['version']}"] = q
        passed += 1
    for path in sorted(rdir.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        try:
            QuestionnaireResponse.model_validate_json(text)
        except Exception as e:
            print(f"FAIL {path.name}: not a valid R4B QuestionnaireResponse: {e}")
            failed += 1
            continue
        qr = json.loads(text)
        q = questionnaires.get(qr.get("questionnaire", ""))
        if q is None:
            print(f"FAIL {path.name}: answers no Questionnaire validated here: {qr.get('questionnaire')!r}")
            failed += 1
            continue
        problems = check_response(qr, q)
        if problems:
            print(f"FAIL {path.name}: " + "; ".join(problems[:5]))
            failed += 1
            continue
        passed += 1
    print(f"fhir.resources (R4B): {len(questionnaires)} Questionnaires, "
          f"{passed - len(questionnaires)} QuestionnaireResponses valid")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
