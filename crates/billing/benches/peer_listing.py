"""The listing benchmark's peer: the invoice listing with the official Python SDK, one call at a time.

billing accounts -> billing profiles (MCA/MPA) or billing subscriptions (MOSP) -> the invoices of
every profile / subscription (EA and other agreements: the invoices of the account), over the
invoice dates the Rust listing queries (--start/--end). Only these listing calls: what the Rust
side reads in addition about each scope is listed in benches/listing.rs. Prints one JSON line:
accounts, scopes, invoices, seconds.

Usage: python peer_listing.py --base-url http://127.0.0.1:PORT --user UPN --start YYYY-MM-DD --end YYYY-MM-DD
"""

import argparse
import datetime
import json
import sys
import time
import urllib.parse
import urllib.request

from azure.core.credentials import AccessToken
from azure.mgmt.billing import BillingManagementClient

PROFILE_AGREEMENTS = {"MicrosoftCustomerAgreement", "MicrosoftPartnerAgreement"}
MOSP = "MicrosoftOnlineServicesProgram"
# The emulator serves plain http on loopback; the SDK only sends a bearer token over http
# when each call says so.
HTTP = {"enforce_https": False}


class EmulatorCredential:
    """A token from the emulator's control plane, handed out for every scope."""

    def __init__(self, base_url, user):
        query = urllib.parse.urlencode({"user": user})
        with urllib.request.urlopen(f"{base_url}/_emulator/token?{query}") as answer:
            body = json.load(answer)
        self._token = AccessToken(body["access_token"], int(time.time()) + int(body["expires_in"]))

    def get_token(self, *scopes, **kwargs):
        return self._token


def agreement(account):
    value = account.properties.agreement_type if account.properties else None
    return str(getattr(value, "value", value) or "")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--start", required=True, type=datetime.date.fromisoformat)
    parser.add_argument("--end", required=True, type=datetime.date.fromisoformat)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    host = urllib.parse.urlparse(base_url).hostname
    if host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit(f"refusing a non-loopback endpoint: {base_url}")

    credential = EmulatorCredential(base_url, args.user)
    period = {"period_start_date": args.start, "period_end_date": args.end}
    started = time.perf_counter()
    client = BillingManagementClient(credential, "00000000-0000-0000-0000-000000000000", base_url=base_url)
    accounts = list(client.billing_accounts.list(**HTTP))
    scopes = 0
    invoices = 0
    for account in accounts:
        kind = agreement(account)
        if kind in PROFILE_AGREEMENTS:
            for profile in client.billing_profiles.list_by_billing_account(account.name, **HTTP):
                scopes += 1
                invoices += sum(
                    1
                    for _ in client.invoices.list_by_billing_profile(account.name, profile.name, **period, **HTTP)
                )
        elif kind == MOSP:
            for subscription in client.billing_subscriptions.list_by_billing_account(account.name, **HTTP):
                subscription_id = (
                    subscription.properties.subscription_id if subscription.properties else None
                ) or subscription.name
                scopes += 1
                # The SDK takes the subscription of billingAccounts/default/billingSubscriptions/{id}
                # from the client, so each subscription gets its own client.
                with BillingManagementClient(credential, subscription_id, base_url=base_url) as per_subscription:
                    invoices += sum(1 for _ in per_subscription.invoices.list_by_billing_subscription(**period, **HTTP))
        else:
            scopes += 1
            invoices += sum(1 for _ in client.invoices.list_by_billing_account(account.name, **period, **HTTP))
    seconds = time.perf_counter() - started
    client.close()
    print(json.dumps({"accounts": len(accounts), "scopes": scopes, "invoices": invoices, "seconds": seconds}))


if __name__ == "__main__":
    main()
