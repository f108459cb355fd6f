"""Secret shapes that must never survive redaction, each with the context that must.

Every row is (text, secrets that must be gone, context that must stay). The context half
is what keeps the redactor honest the other way: masking whole lines would pass the first
half of every row and fail the second.
"""

from __future__ import annotations

import json

import pytest

from kdebug_tui.redaction import MASK, Redactor
from kdebug_tui.redaction_patterns import is_secret_name

ESC_RED, ESC_OFF = "\x1b[01;31m\x1b[K", "\x1b[m\x1b[K"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXZhbHVl"
PEM = (
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq\nQ2hhbmdlTWVQbGVhc2U=\n"
    "-----END RSA PRIVATE KEY-----"
)

SHAPES: list[tuple[str, list[str], list[str]]] = [
    # JSON and Python-ish dicts, any quoting
    ('{"password": "hunter2x", "user": "bob"}', ["hunter2x"], ['"user": "bob"', "password"]),
    ("{'password': 'hunter2x', 'user': 'bob'}", ["hunter2x"], ["'user': 'bob'"]),
    ('{"client_secret":"cs-8f7a","scope":"read"}', ["cs-8f7a"], ['"scope":"read"']),
    ('dbPassword: "q\\"uoted-pw" next: 1', ["uoted-pw"], ["dbPassword:"]),
    # env and shell
    ("SETTINGS=client_secret=abc123xyz other", ["abc123xyz"], ["SETTINGS=client_secret=", "other"]),
    ('PASSWORD="a b c" next', ["a b c", '"a', "b c"], ["PASSWORD=", "next"]),
    ("PASSWORD='a b c' next", ["a b c"], ["next"]),
    ("export GITHUB_TOKEN=ghp_abc123 && ls", ["ghp_abc123"], ["export GITHUB_TOKEN=", "&& ls"]),
    ("PGPASSWORD=pgpw123 psql -h db", ["pgpw123"], ["psql -h db"]),
    ("docker run -e DB_PASSWORD=x1y2z3 img", ["x1y2z3"], ["docker run -e DB_PASSWORD=", "img"]),
    ("SECRET_KEY_BASE=abcdef0123 rails s", ["abcdef0123"], ["rails s"]),
    ("MYSQL_PWD=mypw0rd mysql", ["mypw0rd"], ["mysql"]),
    ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", ["wJalrXUtnFEMI"], ["aws_secret_access_key"]),
    # YAML
    ("password: a b c\nuser: bob", ["a b c"], ["user: bob"]),
    ("  - name: DB_PASSWORD\r\n    value: hunter2x\r\n", ["hunter2x"], ["name: DB_PASSWORD"]),
    ("password: |\n  line-one-secret\n  line-two-secret\nuser: bob", ["line-"], ["user: bob"]),
    ("api_key: sk_live_abcdefghijklmnop1234", ["sk_live_abcdefghijklmnop"], ["api_key:"]),
    ('{"name":"API_KEY","value":"k-123456"}', ["k-123456"], ['"name":"API_KEY"']),
    # URLs
    ("postgres://u:pw-secret@db.example:5432/app", ["pw-secret"], ["postgres://u:", "@db.example"]),
    ("DATABASE_URL=mongodb+srv://user:mpw123@c0.x.net/db", ["mpw123"], ["@c0.x.net/db"]),
    ("redis://:rpw123@host:6379", ["rpw123"], ["@host:6379"]),
    ("git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x", ["ghp_"], ["git"]),
    # command lines
    ("mysql -u root -pS3cretPw db", ["S3cretPw"], ["mysql -u root -p", " db"]),
    ("mysqldump -p'a b' shop", ["a b"], ["mysqldump", "shop"]),
    ("curl -u admin:s3cret-pw https://x", ["s3cret-pw"], ["curl -u admin:", "https://x"]),
    ("curl --user 'admin:s p' -s", ["s p"], ["--user 'admin:", "-s"]),
    ("--password=s3cret --user=bob", ["s3cret"], ["--user=bob"]),
    ("kubectl --token abcdef123 get pods", ["abcdef123"], ["get pods"]),
    ("kubectl create secret generic x --from-literal=password=lit3ral", ["lit3ral"], ["generic x"]),
    ("redis-cli -h r -a r3dispw ping", ["r3dispw"], ["ping"]),
    ("keytool -storepass chang3it -list", ["chang3it"], ["-list"]),
    ("openssl enc -passout pass:opensslpw -in f", ["opensslpw"], ["-in f"]),
    ("docker login -u me -p dockerpw1 reg.io", ["dockerpw1"], ["reg.io"]),
    # HTTP
    ("Authorization: Bearer abc.def-123456", ["abc.def-123456"], ["Authorization: Bearer"]),
    ("authorization: Basic dXNlcjpwYXNz", ["dXNlcjpwYXNz"], ["Basic"]),
    ("X-Api-Key: abcd1234efgh", ["abcd1234efgh"], ["X-Api-Key:"]),
    ("Cookie: session=abc123; theme=dark", ["abc123"], ["Cookie:"]),
    ("curl -H 'Authorization: token ghx123456'", ["ghx123456"], ["curl -H"]),
    ("got Bearer s3cr3t-t0ken back", ["s3cr3t-t0ken"], ["got Bearer", "back"]),
    # whole-value shapes
    (f"token {JWT} end", [JWT[:20], JWT[-12:]], ["token", "end"]),
    (f"key:\n{PEM}\nafter", ["MIIEowIBAAKCAQEA7bq", "Q2hhbmdl"], ["BEGIN RSA", "after"]),
    ("id AKIAIOSFODNN7EXAMPLE here", ["AKIAIOSFODNN7EXAMPLE"], ["id", "here"]),
    ("slack xoxb-1234567890-abcdefghij ok", ["xoxb-1234567890"], ["slack", "ok"]),
    # colour: the secret inside escapes (grep --color, jq)
    (f"{ESC_RED}password{ESC_OFF}=hunter2x next", ["hunter2x"], ["next", ESC_RED]),
    ("PASSWORD=\x1b[1mhun\x1b[0mter2x next", ["hun", "ter2x"], ["next", "\x1b[0m"]),
    (
        '\x1b[1;39m{\x1b[0m\x1b[34;1m"token"\x1b[0m: \x1b[0;32m"jq-t0k3n"\x1b[0m',
        ["jq-t0k3n"],
        ["{"],
    ),
]

KEPT: list[str] = [
    "monkey keyboard author tokenizer bypass compass passage keys",
    "PWD=/root OLDPWD=/tmp HOME=/root",
    "secretKeyRef: {key: password, name: db}",
    "automountServiceAccountToken: false",
    "secretName: db-creds",
    "image: nginx:1.25 port: 8080 name: web",
    "The bearer of this letter. Bearer tokens are short-lived.",
    "Basic setup and Basic configuration",
    "docker run -u 1000:1000 img",
    "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC user@host",
    "https://github.com/org/repo and ssh://git@github.com/x",
    "passwordLength: 12 tokenPath: /var/run/token password_file: /etc/pw",
    "mkdir -p /tmp/x && ps -p 1",
    "PASSWORD=$DB_PASSWORD",
]


@pytest.mark.parametrize(("text", "secrets", "context"), SHAPES, ids=[s[0][:40] for s in SHAPES])
def test_each_secret_shape_is_masked_and_its_context_kept(
    text: str, secrets: list[str], context: list[str]
) -> None:
    out = Redactor().text(text)
    assert MASK in out
    for secret in secrets:
        assert secret not in out, f"{secret!r} left in {out!r}"
    for kept in context:
        assert kept in out, f"{kept!r} lost from {out!r}"


@pytest.mark.parametrize("text", KEPT)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert Redactor().text(text) == text


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("password", True), ("PASSWD", True), ("db-password", True), ("DB_PASSWORD", True),
        ("dbPassword", True), ("PGPASSWORD", True), ("secret", True), ("client_secret", True),
        ("clientSecret", True), ("token", True), ("X-Auth-Token", True), ("api_key", True),
        ("apiKey", True), ("APIKey", True), ("api-key", True), ("apikey", True),
        ("private_key", True), ("privateKey", True), ("credentials", True), ("auth", True),
        ("BASIC_AUTH", True), ("client-key-data", True), ("Authorization", True),
        ("secretName", False), ("secretKeyRef", False), ("tokenPath", False), ("key", False),
        ("author", False), ("monkey", False), ("PWD", False), ("name", False),
        ("passwordFile", False), ("keyboard", False), ("max_tokens", False),
    ],
)  # fmt: skip
def test_secret_names_at_any_spelling(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_known_key_names_are_masked_at_any_depth_and_references_kept() -> None:
    pod = {
        "metadata": {"annotations": {"config": "api:\n  clientSecret: cs-value-9\n"}},
        "spec": {
            "containers": [
                {
                    "args": ["--db-password", "argpw123", "--verbose", "--token=tok-999999"],
                    "env": [
                        {"name": "DB_PASSWORD", "value": "envpw-111"},
                        {"name": "MODE", "value": "prod"},
                        {"name": "SETTINGS", "value": "client_secret=settings-s3"},
                        {"name": "K", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}},
                    ],
                }
            ],
            "volumes": [{"name": "creds", "secret": {"secretName": "db-creds"}}],
        },
        "deep": {"a": [{"b": {"Private-Key": "pk-value-1", "Api_Key": 12345678, "on": True}}]},
        "credentials": {"user": "u", "passwd": "cred-pw-7"},
    }
    redactor = Redactor()
    redactor.learn(pod)
    out = json.dumps(redactor.structure(pod))
    for secret in ("cs-value-9", "argpw123", "tok-999999", "envpw-111", "settings-s3",
                   "pk-value-1", "12345678", "cred-pw-7"):  # fmt: skip
        assert secret not in out
    for kept in ('"prod"', '"db-creds"', '"--verbose"', '"on": true', '"user": "u"',
                 '{"secretKeyRef": {"name": "db", "key": "pw"}}'):  # fmt: skip
        assert kept in out
    # learned values are masked where no pattern would see them
    assert redactor.text("echo settings-s3 envpw-111") == f"echo {MASK} {MASK}"


def test_a_secret_kind_hides_its_data() -> None:
    secret = {"kind": "Secret", "data": {"tls.crt": "Y2VydA==", "x": "eHl6"}, "type": "Opaque"}
    out = Redactor().structure(secret)
    assert out["data"] == {"tls.crt": MASK, "x": MASK} and out["type"] == "Opaque"


def test_a_coloured_secret_split_across_recorded_chunks() -> None:
    header = json.dumps({"version": 2, "width": 80, "height": 24})
    chunks = [
        "$ env | grep --color PASS\r\n",
        f"{ESC_RED}PASS",
        f"WORD{ESC_OFF}=hun",
        "ter2-x\r\n$ ",
    ]
    lines = [header] + [json.dumps([i * 0.1, "o", c]) for i, c in enumerate(chunks)]
    events = [json.loads(line) for line in Redactor().cast(lines)[1:]]
    played = "".join(e[2] for e in events)
    assert "hun" not in played and "ter2-x" not in played and played.count(MASK) == 1
    assert played.startswith("$ env | grep --color PASS\r\n") and played.endswith("\r\n$ ")
    assert ESC_RED in played and ESC_OFF in played  # colours stay balanced
