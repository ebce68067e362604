"""The listing benchmark's peer: the Rust listing's requests, made again one at a time with the
official Python SDK.

--requests names a JSON file of the requests the emulator served to the Rust listing, in the order
they arrived: [{"method", "path" (decoded), "query" (as sent)}]. Every one of them is sent again,
in that order, one at a time, through the SDK's client pipeline (bearer-token policy, retries,
the rest of `BillingManagementClient`'s policies), and every page is read to its end:

- through the SDK's typed operation where azure-mgmt-billing has one (billing accounts, billing
  profiles, billing subscriptions and one billing subscription, billing role assignments,
  billing permissions, invoice sections, invoices, the billing property of a subscription),
  with the request's query as the operation's parameters; these pagers follow `nextLink` and
  deserialize the models;
- through `BillingManagementClient.send_request` with the request's path and query as they
  were for the others (`GET /subscriptions`, which is azure-mgmt-resource's, and the legacy
  billing periods of a subscription), following `nextLink` the same way.

An error answer (the caller has no role on the MCA account: 403) is read as the answer, as
the Rust listing reads it, and counted by status. A request of a page after the first (`$skiptoken`) is not sent on its own: the pager that
follows `nextLink` asks for it. The subscription-scoped operations (billing property, invoices
of a billing subscription) take the subscription from the client, so each subscription has its
own client; every client shares one transport (one connection pool). Loopback only.

Prints one JSON line: requests (replayed), typed, send_request, invoice_lists, invoices, errors
(status → count), seconds.

Usage: python peer_listing.py --base-url http://127.0.0.1:PORT --user UPN --requests FILE
"""

import argparse
import inspect
import json
import re
import sys
import time
import urllib.parse
import urllib.request

from azure.core.credentials import AccessToken
from azure.core.exceptions import HttpResponseError
from azure.core.pipeline.transport import RequestsTransport
from azure.core.rest import HttpRequest
from azure.mgmt.billing import BillingManagementClient

# The emulator serves plain http on loopback; the SDK only sends a bearer token over http
# when each call says so.
HTTP = {"enforce_https": False}
# The emulator's token for a page after the first; the pagers ask for those pages themselves.
NEXT_PAGE = "$skiptoken"
ACCOUNT = r"/providers/Microsoft\.Billing/billingAccounts/(?P<account>[^/]+)"
PROFILE = ACCOUNT + r"/billingProfiles/(?P<profile>[^/]+)"
SUBSCRIPTION = r"/subscriptions/(?P<subscription>[^/]+)"

# Path → the typed operation that sends it: (pattern, operation of a client, client's
# subscription taken from the path or None, path parameters in the operation's order).
TYPED = [
    (r"/providers/Microsoft\.Billing/billingAccounts", lambda c: c.billing_accounts.list, None, ()),
    (ACCOUNT + r"/billingProfiles", lambda c: c.billing_profiles.list_by_billing_account, None, ("account",)),
    (
        ACCOUNT + r"/billingSubscriptions",
        lambda c: c.billing_subscriptions.list_by_billing_account,
        None,
        ("account",),
    ),
    (
        ACCOUNT + r"/billingSubscriptions/(?P<name>[^/]+)",
        lambda c: c.billing_subscriptions.get,
        None,
        ("account", "name"),
    ),
    (
        ACCOUNT + r"/billingRoleAssignments",
        lambda c: c.billing_role_assignments.list_by_billing_account,
        None,
        ("account",),
    ),
    (
        PROFILE + r"/billingRoleAssignments",
        lambda c: c.billing_role_assignments.list_by_billing_profile,
        None,
        ("account", "profile"),
    ),
    (
        PROFILE + r"/billingPermissions",
        lambda c: c.billing_permissions.list_by_billing_profile,
        None,
        ("account", "profile"),
    ),
    (
        PROFILE + r"/invoiceSections",
        lambda c: c.invoice_sections.list_by_billing_profile,
        None,
        ("account", "profile"),
    ),
    (PROFILE + r"/invoices", lambda c: c.invoices.list_by_billing_profile, None, ("account", "profile")),
    (
        r"/providers/Microsoft\.Billing/billingAccounts/default/billingSubscriptions/(?P<subscription>[^/]+)/invoices",
        lambda c: c.invoices.list_by_billing_subscription,
        "subscription",
        (),
    ),
    (
        SUBSCRIPTION + r"/providers/Microsoft\.Billing/billingProperty/default",
        lambda c: c.billing_property.get,
        "subscription",
        (),
    ),
]
TYPED = [(re.compile(pattern + "$", re.IGNORECASE), *rest) for pattern, *rest in TYPED]


class EmulatorCredential:
    """A token from the emulator's control plane, handed out for every scope."""

    def __init__(self, base_url, user):
        query = urllib.parse.urlencode({"user": user})
        with urllib.request.urlopen(f"{base_url}/_emulator/token?{query}") as answer:
            body = json.load(answer)
        self._token = AccessToken(body["access_token"], int(time.time()) + int(body["expires_in"]))

    def get_token(self, *scopes, **kwargs):
        return self._token


class Clients:
    """One `BillingManagementClient` per subscription the operations need, over one transport."""

    def __init__(self, credential, base_url):
        self._credential = credential
        self._base_url = base_url
        self._transport = RequestsTransport()
        self._clients = {}

    def get(self, subscription=None):
        subscription = subscription or "00000000-0000-0000-0000-000000000000"
        if subscription not in self._clients:
            self._clients[subscription] = BillingManagementClient(
                self._credential, subscription, base_url=self._base_url, transport=self._transport
            )
        return self._clients[subscription]

    def close(self):
        self._transport.close()


def typed_call(operation, args, query):
    """Calls a typed operation with the request's query as its parameters: the SDK's defaults
    that would add a query parameter (`includeDeleted=false`, ...) are turned off, and the
    api-version is the client's own (the benchmark checks the requests matched)."""
    defaults = {
        name: None
        for name, parameter in inspect.signature(operation).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default not in (None, inspect.Parameter.empty)
    }
    params = {key: value for key, value in query if key.lower() != "api-version"}
    return operation(*args, **defaults, params=params, **HTTP)


def send_all_pages(client, url):
    """GETs `url` and every `nextLink` after it; returns the items."""
    items = []
    while url:
        response = client.send_request(HttpRequest("GET", url), **HTTP)
        response.raise_for_status()
        body = response.json()
        items.extend(body.get("value", []) if isinstance(body, dict) else [])
        url = body.get("nextLink") if isinstance(body, dict) else None
    return items


def replay(clients, request):
    """Sends one logged request; returns (typed or not, the items it listed, the error status
    it was answered with or None)."""
    path = request["path"]
    query = urllib.parse.parse_qsl(request.get("query") or "", keep_blank_values=True)
    for pattern, operation, subscription, names in TYPED:
        match = pattern.match(path)
        if match:
            client = clients.get(match.group(subscription) if subscription else None)
            try:
                answer = typed_call(operation(client), [match.group(n) for n in names], query)
                return True, (list(answer) if hasattr(answer, "by_page") else [answer]), None
            except HttpResponseError as error:
                return True, [], error.status_code
    url = urllib.parse.quote(path)
    if request.get("query"):
        url += "?" + request["query"]
    try:
        return False, send_all_pages(clients.get(), url), None
    except HttpResponseError as error:
        return False, [], error.status_code


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--requests", required=True)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    host = urllib.parse.urlparse(base_url).hostname
    if host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit(f"refusing a non-loopback endpoint: {base_url}")
    with open(args.requests, encoding="utf-8") as file:
        requests = json.load(file)
    others = sorted({r["method"] for r in requests if r["method"] != "GET"})
    if others:
        sys.exit(f"the listing made requests other than GET ({', '.join(others)}): nothing to replay them with")
    first_pages = [
        r
        for r in requests
        if NEXT_PAGE not in {k for k, _ in urllib.parse.parse_qsl(r.get("query") or "", keep_blank_values=True)}
    ]

    credential = EmulatorCredential(base_url, args.user)
    started = time.perf_counter()
    clients = Clients(credential, base_url)
    typed = 0
    invoice_lists = 0
    invoices = 0
    errors = {}
    for request in first_pages:
        was_typed, items, status = replay(clients, request)
        typed += was_typed
        if status is not None:
            errors[str(status)] = errors.get(str(status), 0) + 1
        if request["path"].lower().endswith("/invoices"):
            invoice_lists += 1
            invoices += len(items)
    seconds = time.perf_counter() - started
    clients.close()
    print(
        json.dumps(
            {
                "requests": len(first_pages),
                "typed": typed,
                "send_request": len(first_pages) - typed,
                "invoice_lists": invoice_lists,
                "invoices": invoices,
                "errors": errors,
                "seconds": seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
