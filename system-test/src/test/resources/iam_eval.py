"""Decides whether IAM policies allow recorded AWS calls, with moto's policy evaluator.

stdin:  {"policies": [<policy document>, ...], "calls": [{"action", "resource", "context": {key: value}}, ...]}
stdout: [{"allowed": bool, "why": str}, ...], one per call, in order.

moto's IAMPolicyStatement matches Action/NotAction and Resource patterns and evaluates StringEquals conditions.
Corrections bring it to IAM's semantics:
  1. an Allow statement whose condition is not met does not apply (moto answers DENIED for it);
  2. a condition key absent from the request makes a StringEquals condition false (moto skips it);
  3. StringNotEquals, ArnEquals, ArnLike, StringLike and Bool (which moto ignores, allowing anything) are evaluated
     here with IAM's documented semantics; any other operator is an error rather than a silent pass.
A Deny statement denies only when its action, resource and conditions all match.
"""
import json
import sys

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.iam.policy_conditions import CONDITION_OPERATIONS


def _like(pattern, value):
    return IAMPolicyStatement._match(pattern, value) is not None


# Operators beyond moto's StringEquals, with IAM's documented semantics. A negated operator is true when the key is
# absent (IAM: "If the key is not present, the condition evaluates to true" for the Not* operators).
EXTRA_OPERATORS = {
    "StringNotEquals": (True, lambda expected, actual: actual not in expected),
    "ArnEquals": (False, lambda expected, actual: any(_like(e, actual) for e in expected)),
    "ArnLike": (False, lambda expected, actual: any(_like(e, actual) for e in expected)),
    "StringLike": (False, lambda expected, actual: any(_like(e, actual) for e in expected)),
    "Bool": (False, lambda expected, actual: actual.lower() in [e.lower() for e in expected]),
}


def condition_met(statement, context):
    for operator, pairs in statement.get("Condition", {}).items():
        if operator in CONDITION_OPERATIONS:
            for key in pairs:
                if key not in context:
                    return False
            if not IAMPolicyStatement({"Condition": {operator: pairs}})._check_conditions(context):
                return False
        elif operator in EXTRA_OPERATORS:
            negated, test = EXTRA_OPERATORS[operator]
            for key, expected in pairs.items():
                expected = expected if isinstance(expected, list) else [expected]
                if key not in context:
                    if not negated:
                        return False
                    continue
                if not test([str(e) for e in expected], context[key]):
                    return False
        else:
            raise SystemExit("condition operator %s (statement %s) is not implemented; extend iam_eval.py before relying on it"
                             % (operator, statement.get("Sid")))
    return True


def applies(statement, action, resource):
    """Action and resource match, conditions aside."""
    bare = {k: v for k, v in statement.items() if k != "Condition"}
    return IAMPolicyStatement(bare).is_action_permitted(action, resource) != PermissionResult.NEUTRAL


def evaluate(policies, call):
    action, resource, context = call["action"], call["resource"], call.get("context", {})
    allowed_by = None
    for policy in policies:
        statements = policy["Statement"] if isinstance(policy["Statement"], list) else [policy["Statement"]]
        for s in statements:
            if not applies(s, action, resource) or not condition_met(s, context):
                continue
            if s["Effect"] == "Deny":
                return {"allowed": False, "why": "denied by statement %s" % s.get("Sid", "?")}
            allowed_by = allowed_by or s.get("Sid", "?")
    if allowed_by:
        return {"allowed": True, "why": "allowed by statement %s" % allowed_by}
    return {"allowed": False, "why": "no statement allows it (implicit deny)"}


def main():
    request = json.load(sys.stdin)
    json.dump([evaluate(request["policies"], c) for c in request["calls"]], sys.stdout)


if __name__ == "__main__":
    main()
