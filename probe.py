import hmac, hashlib, json, uuid, sys, http.client
SECRET=b"whsec-TOPSECRET-1234567890"
port=int(sys.argv[1])
def send(b, guid, ev="issues", ctype="application/json", extra={}):
    c=http.client.HTTPConnection("127.0.0.1",port,timeout=30)
    h={"X-GitHub-Event":ev,"Content-Type":ctype, "X-Hub-Signature-256":"sha256="+hmac.new(SECRET,b,hashlib.sha256).hexdigest()}
    if guid is not None: h["X-GitHub-Delivery"]=guid
    h.update(extra)
    c.putrequest("POST","/webhooks/github")
    for k,v in h.items(): c.putheader(k,v)
    c.putheader("Content-Length",str(len(b))); c.endheaders(); c.send(b)
    r=c.getresponse(); d=r.read(); c.close(); return r.status,d[:200]
def lab(num=1, title="t", repo="o/p", extra=None):
    d={"action":"labeled","label":{"name":"dayshift"},"sender":{"login":"you","type":"User"},
     "issue":{"number":num,"title":title,"body":"b"},
     "repository":{"name":repo.split("/")[-1],"full_name":repo,"owner":{"login":repo.split("/")[0]}}}
    if extra: d.update(extra)
    return json.dumps(d).encode()
G=lambda: str(uuid.uuid4())
cases=[
 ("bignum", lab(10**30), G()),
 ("neg", lab(-5), G()),
 ("zero", lab(0), G()),
 ("float", lab(1.5), G()),
 ("int64max", lab(2**63-1), G()),
 ("nul in title", lab(7,"a\u0000b"), G()),
 ("nul in repo", lab(8,repo="o/p\u0000x"), G()),
 ("lone surrogate", b'{"action":"labeled","label":{"name":"dayshift"},"sender":{"login":"you"},"issue":{"number":9,"title":"\\ud800"},"repository":{"name":"p","full_name":"o/p","owner":{"login":"o"}}}', G()),
 ("invalid utf8", lab(10).replace(b'"t"', b'"\xff\xfe"'), G()),
 ("no guid", lab(11), None),
 ("empty guid", lab(12), ""),
 ("long guid", lab(13), "x"*8000),
 ("unicode guid", lab(14), "é"),
 ("guid with spaces", lab(15), "  abc  "),
 ("empty body", b"", G()),
 ("json null", b"null", G()),
 ("json string", b'"x"', G()),
 ("deep nest", b'{"a":'*100000+b'1'+b'}'*100000, G()),
 ("dup keys", b'{"action":"labeled","action":"opened","label":{"name":"dayshift"},"sender":{"login":"you"},"issue":{"number":16,"title":"t"},"repository":{"name":"p","full_name":"o/p","owner":{"login":"o"}}}', G()),
 ("unknown event", lab(17), G(), "weird"),
 ("long event", lab(18), G(), "e"*5000),
 ("form", b"payload="+__import__("urllib.parse").parse.quote(lab(19).decode()).encode(), G(), "issues", "application/x-www-form-urlencoded"),
]
for c in cases:
    name,b,g=c[0],c[1],c[2]; ev=c[3] if len(c)>3 else "issues"; ct=c[4] if len(c)>4 else "application/json"
    try: print(name, send(b,g,ev,ct))
    except Exception as e: print(name,"EXC",repr(e)[:100])
