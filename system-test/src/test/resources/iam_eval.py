"""Decides whether IAM policies allow recorded AWS calls, with moto's policy evaluator.

stdin:  {"policies": [<policy document>, ...], "calls": [{"action", "resource", "context": {key: value}}, ...]}
stdout: [{"allowed": bool, "why": str}, ...], one per call, in order.

moto's IAMPolicyStatement matches Action/NotAction and Resource patterns and evaluates StringEquals conditions.
Three corrections bring it to IAM's semantics, and each is a refusal rather than a guess:
  1. an Allow statement whose condition is not met does not apply (moto answers DENIED for it);
  2. a condition key absent from the request makes a StringEquals condition false (moto skips it);
  3. a condition operator moto does not implement is an error (moto ignores it, which would allow anything).
A Deny statement denies only when its action, resource and conditions all match.
"""
import json
import sys

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.iam.policy_conditions import CONDITION_OPERATIONS


def condition_met(statement, context):
    for operator, pairs in statement.get("Condition", {}).items():
        if operator not in CONDITION_OPERATIONS:
            raise SystemExit("condition operator %s (statement %s) is not implemented by moto's evaluator; "
                             "extend iam_eval.py before relying on it" % (operator, statement.get("Sid")))
        for key in pairs:
            if key not in context:
                return False
    return IAMPolicyStatement(statement)._check_conditions(context)


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
