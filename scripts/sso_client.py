#!/usr/bin/env python3
"""A person and a desk at the test identity provider (tests/oidc/provider.mjs),
for the single sign-on benchmarks (docs/benchmarks.md). Standard library only.

  sso_client.py token ISSUER LOGIN PASSWORD [OTP]
      the device flow, the person approving at the provider's own pages;
      prints the access token and the refresh token, one a line
  sso_client.py first-requests ISSUER SERVER REFRESH_TOKEN N
      N fresh access tokens (by refresh), each sent twice to SERVER/api/v1/me
      on one kept-alive connection: the first request of a token (verified
      in full) against the second (from the cache), in milliseconds
"""
import http.client
import http.cookiejar
import json
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request

CLIENT = "regiedesk-desk"


def post(url, form):
    data = urllib.parse.urlencode(form).encode()
    with urllib.request.urlopen(url, data) as r:
        return json.load(r)


def approve(complete, login, password, otp):
    jar = http.cookiejar.CookieJar()
    op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = re.match(r"(https?://[^/]+)", complete).group(1)
    hidden = lambda page, name: re.search(r'name="%s" value="([^"]*)"' % name, page).group(1)
    page = op.open(complete).read().decode()
    code = hidden(page, "user_code")
    form = lambda page, **extra: urllib.parse.urlencode({"xsrf": hidden(page, "xsrf"), "user_code": code, **extra}).encode()
    page = op.open(base + "/device", form(page)).read().decode()
    login_page = op.open(base + "/device", form(page, confirm="yes"))
    done = op.open(login_page.geturl(), urllib.parse.urlencode(
        {"login": login, "password": password, "otp": otp}).encode()).read().decode()
    assert "Sign-in Success" in done, done[:300]


def token(issuer, login, password, otp=""):
    started = post(issuer + "/device/auth", {"client_id": CLIENT, "scope": "openid profile offline_access"})
    approve(started["verification_uri_complete"], login, password, otp)
    tokens = post(issuer + "/token", {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": started["device_code"], "client_id": CLIENT})
    return tokens["access_token"], tokens["refresh_token"]


def first_requests(issuer, server, refresh, n):
    host = urllib.parse.urlparse(server)
    connection = http.client.HTTPConnection(host.hostname, host.port)
    first, second = [], []
    for _ in range(n):
        tokens = post(issuer + "/token", {"grant_type": "refresh_token", "refresh_token": refresh, "client_id": CLIENT})
        access, refresh = tokens["access_token"], tokens["refresh_token"]
        for times in (first, second):
            started = time.perf_counter()
            connection.request("GET", "/api/v1/me", headers={"authorization": "Bearer " + access})
            response = connection.getresponse()
            response.read()
            times.append((time.perf_counter() - started) * 1000)
            assert response.status == 200, response.status
    for name, times in (("first request of a new token", first), ("the same token again (cached)", second)):
        times.sort()
        print(f"{name:32} median {statistics.median(times):.2f} ms  p90 {times[int(len(times) * 0.9)]:.2f} ms  max {times[-1]:.2f} ms  (n = {len(times)})")


if __name__ == "__main__":
    what = sys.argv[1]
    if what == "token":
        access, refresh = token(*sys.argv[2:])
        print(access)
        print(refresh)
    elif what == "first-requests":
        first_requests(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit(__doc__)
