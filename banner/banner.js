(function (C) {
'use strict';
// mod_consentgate cookie banner. The server appends "(CONFIG);" to this
// function expression; banner/README.md describes the config and the API.
// Build rules (scripts/embed-js): lines starting with // are dropped and
// indentation is stripped, so: semicolons everywhere, no block comments,
// no comments after code, never start a line with a regex literal.
var w = window, d = document, nav = navigator;
if (w.consentgate) {
    return;
}
var T = C.texts || {};
var K = C.colors || {};
var CATS = C.categories || [];
var IDS = CATS.map((c) => c.id);
var REV = C.revision || 0;
var LANG = C.lang || 'en';
var notice = C.mode === 'notice';
var pos = ['top', 'center', 'bottom-left', 'bottom-right'].indexOf(C.position) < 0 ? 'bottom' : C.position;
var mcat = (C.mautic && C.mautic.category) || 'tracking';
var me = d.currentScript;
var nonce = (me && me.nonce) || '';
// Opt-out signals the server honours (ConsentSignals, ConsentSignalPrecedence):
// by default GPC and DNT, and a signal beats a consent, as on the server.
var SIGS = C.signals || ['gpc', 'dnt'];
var gpc = nav.globalPrivacyControl === true;
var showGpc = gpc && SIGS.indexOf('gpc') >= 0;
var signal = showGpc || (nav.doNotTrack === '1' && SIGS.indexOf('dnt') >= 0);
// the note that says the signal is honoured (California's regulations ask
// a site to show that it processed an opt-out preference signal)
var sigId = showGpc ? 'cg-gpc' : 'cg-dnt', sig;
var YES = ['1', 'yes', 'true', 'granted'];
var NO = ['0', 'no', 'false', 'denied'];
// the server takes a consent stamped up to 300 s ahead of its clock
var SKEW = 300;
var cur = null, isOpen = false, busy = false;
var B, list, xBtn, setBtn, err, reopen, live, prev, objBtn;
var mq = [], mState = 0, boxes = {};
var chain = Promise.resolve();
var noop = () => {};
var later = (e) => setTimeout(() => {
    throw e;
});

// ---- mirrors: Usercentrics keeps the choice in localStorage, Osano
// behind its JavaScript API, both out of the server's sight. After the
// visitor chose there, a first-party cookie consentgate_<source> holds
// {"time": ms, "consents": {id: bool}} for ConsentSource usercentrics /
// osano (lib/cg_source_mirror.c), of the ids the server maps only
// (C.mirrorIds). It stores no identifier. The choice is
// posted to the consent endpoint, which sets that cookie and writes a
// receipt. With data-consentgate="mirror" on the script tag, banner.js
// does only this.
var posted = {};
var held = (name) => {
    var v;
    d.cookie.split('; ').forEach((c) => {
        if (c.indexOf(name + '=') === 0) {
            v = c.slice(name.length + 1);
        }
    });
    return v;
};
// the server's mirror is "<value>|<receipt>", and with ConsentSecret
// "|<signature>" after it ('|' never raw in encodeURIComponent's output);
// the page cannot sign, and writes the value alone
var unsigned = (v) => (v === undefined ? v : v.split('|')[0]);
// whether the held mirror already says v. Where the server signs
// (C.signed), one without its signature grants nothing (a mirror from
// before ConsentSecret, or the page's own): it differs, and is posted
// once to be signed
var signedMirror = (old) => /\|[A-Za-z0-9_-]{22}$/.test(old || '');
var same = (old, v) => unsigned(old) === v && !(C.signed && !signedMirror(old));
// what the page may write without the server's receipt: every refusal,
// and the grants the held mirror already made; never a new grant
var narrowed = (old, consents) => {
    var o = {}, out = {};
    try {
        o = JSON.parse(decodeURIComponent(unsigned(old))).consents || {};
    } catch (e) {
        o = {};
    }
    Object.keys(consents).forEach((k) => {
        if (consents[k] === false || o[k] === true) {
            out[k] = consents[k];
        }
    });
    return out;
};
// only the ids the site's ConsentSourceMap lines name (all where none
// does): what the gate never reads is not written into a cookie
var mapped = (name, consents) => {
    var ids = C.mirrorIds && C.mirrorIds[name], out = {};
    if (!ids) {
        return consents;
    }
    ids.forEach((id) => {
        if (Object.prototype.hasOwnProperty.call(consents, id)) {
            out[id] = consents[id];
        }
    });
    return out;
};
var mirror = (name, all, time) => {
    var n = 'consentgate_' + name, old = held(n), consents = mapped(name, all);
    var v = encodeURIComponent(JSON.stringify({time: time, consents: consents}));
    if (!Object.keys(consents).length || same(old, v) || posted[n] === v) {
        return;
    }
    posted[n] = v;
    fetch(C.endpoint + '/consent', {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({mirror: name, value: v}),
        credentials: 'same-origin'
    }).then((r) => {
        if (!r.ok) {
            throw new Error('consentgate: HTTP ' + r.status);
        }
    }).catch(() => {
        // fail closed: a refusal takes effect at once, a grant waits for a
        // page whose POST gets its receipt (this value differs from v, so
        // the next page posts again)
        var c = narrowed(old, consents);
        if (Object.keys(c).length) {
            d.cookie = n + '=' + encodeURIComponent(JSON.stringify({time: time, consents: c})) +
                '; Path=/; Max-Age=' + (C.maxAge || 15552000) +
                '; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
        }
    });
};
var fromUc = () => {
    var s, out = {}, t = 0;
    try {
        if (w.localStorage.getItem('uc_user_interaction') !== 'true') {
            return;
        }
        s = JSON.parse(w.localStorage.getItem('uc_settings'));
    } catch (e) {
        return;
    }
    (s && Array.isArray(s.services) ? s.services : []).forEach((v) => {
        if (v && typeof v.id === 'string' && typeof v.status === 'boolean') {
            out[v.id] = v.status;
            (Array.isArray(v.history) ? v.history : []).forEach((h) => {
                t = Math.max(t, (h && +h.timestamp) || 0);
            });
        }
    });
    if (t > 0) {
        mirror('usercentrics', out, Math.round(t < 1e11 ? t * 1000 : t));
    }
};
var osano = () => w.Osano && w.Osano.cm;
var fromOsano = () => {
    var c, out = {};
    try {
        c = osano().getConsent();
    } catch (e) {
        return;
    }
    Object.keys(c || {}).forEach((k) => {
        if (c[k] === 'ACCEPT' || c[k] === 'DENY') {
            out[k] = c[k] === 'ACCEPT';
        }
    });
    mirror('osano', out, Date.now());
};
var mirrored = 0;
var mirrors = () => {
    fromUc();
    if (!mirrored && osano() && osano().addEventListener) {
        mirrored = 1;
        osano().addEventListener('osano-cm-consent-saved', fromOsano);
    }
};
['ucEvent', 'UC_UI_CMP_EVENT', 'UC_CONSENT', 'storage', 'load'].forEach((e) => w.addEventListener(e, mirrors));
mirrors();
if (me && me.getAttribute('data-consentgate') === 'mirror') {
    return;
}

// ---- the consent cookie: read only, the server writes it
var parse = (v) => {
    if (v.length > 1 && v[0] === '"' && v.slice(-1) === '"') {
        v = v.slice(1, -1);
    }
    var l = v.toLowerCase(), y = YES.indexOf(l) >= 0;
    if (y || NO.indexOf(l) >= 0) {
        return REV > 0 ? null : {all: y, cats: y ? IDS.slice() : [], rev: 0, key: y ? '*' : ''};
    }
    var m = /^cg1\.((?:[a-z0-9_-]{1,32}(?:~[a-z0-9_-]{1,32})*)?)\.(\d{1,12})\.(\d{1,9})\.[\w-]{8,64}(?:\.[\w-]{16,86})?$/.exec(v);
    var now = Date.now() / 1000;
    if (!m || +m[2] > now + SKEW || (C.maxAge > 0 && +m[2] + C.maxAge < now) || +m[3] < REV) {
        return null;
    }
    var cats = m[1] ? m[1].split('~') : [];
    return {all: false, cats: cats, rev: +m[3], key: cats.slice().sort().join('~')};
};

// every cookie of that name must say the same, or there is no choice
var read = () => {
    var res = null, key;
    d.cookie.split(';').forEach((part) => {
        var i = part.indexOf('=');
        if (i > 0 && part.slice(0, i).trim() === C.cookie) {
            var p = parse(part.slice(i + 1).trim()), k = p ? p.key : '!';
            res = key === undefined || k === key ? p : null;
            key = res ? k : '!';
        }
    });
    return res;
};

var granted = () => !!cur && (cur.all || cur.cats.length > 0);
// the objection to the anonymous count: a cookie the object endpoint sets
var objecting = () => d.cookie.split(/; */).indexOf('consentgate_object=1') >= 0;
var blocked = () => signal && !(C.precedence === 'consent' && granted());
var allowed = (id) => id === 'necessary' || (!!cur && !blocked() && (cur.all || cur.cats.indexOf(id) >= 0));
var status = () => ({
    choice: cur ? (granted() ? 'granted' : 'denied') : 'none',
    categories: cur ? cur.cats.slice() : [],
    gpc: gpc,
    honoured: blocked() ? (showGpc ? 'gpc' : 'dnt') : null,
    revision: cur ? cur.rev : REV
});

// ---- DOM
var el = (tag, attrs, text) => {
    var e = d.createElement(tag);
    Object.keys(attrs || {}).forEach((k) => e.setAttribute(k, attrs[k]));
    if (text != null) {
        e.textContent = text;
    }
    return e;
};
var say = (m) => {
    if (live) {
        live.textContent = m || '';
    }
};
var col = (v, dflt) => /^#[0-9a-f]{6}$/i.test(v || '') ? v : dflt;

var css = () => {
    var bg = col(K.background, '#ffffff'), fg = col(K.text, '#1f2328');
    var pr = col(K.primary, '#1f4fd1'), pt = col(K.primaryText, '#ffffff');
    var X = '#cg-banner', Y = X + ' ', Z = X + '.cg-';
    var full = '{flex:none;min-width:0;max-width:none}';
    return X + ',#cg-reopen{all:initial;position:fixed;box-sizing:border-box;background:' + bg + ';color:' + fg +
        ';font:15px/1.5 system-ui,sans-serif;overflow-wrap:break-word;text-align:start}' +
        X + '{z-index:2147483646;display:block;max-height:100%;overflow:auto;padding:20px max(16px,calc(50% - 480px));box-shadow:0 0 20px rgba(0,0,0,.25);animation:cg-in .2s ease-out}' +
        Z + 'bottom{left:0;right:0;bottom:0}' +
        Z + 'top{left:0;right:0;top:0}' +
        Z + 'box{width:min(440px,calc(100% - 32px));max-height:calc(100% - 32px);padding:24px;border-radius:12px}' +
        Z + 'center{left:50%;top:50%;transform:translate(-50%,-50%);width:min(560px,calc(100% - 32px))}' +
        Z + 'bottom-left{left:16px;bottom:16px}' +
        Z + 'bottom-right{right:16px;bottom:16px}' +
        Y + '*{all:revert;box-sizing:border-box;font:inherit;color:inherit}' +
        X + '[hidden],#cg-reopen[hidden],' + Y + '[hidden]{display:none!important}' +
        X + ':focus{outline:none}' +
        Y + 'h2{font-size:18px;font-weight:700;line-height:1.3;margin:0 0 8px;padding-inline-end:48px}' +
        Y + 'p{margin:0 0 10px}' +
        Y + 'a{text-decoration:underline;font-weight:600;cursor:pointer}' +
        Y + '.cg-signal{border-inline-start:4px solid ' + pr + ';padding-inline-start:10px}' +
        '#cg-reopen span:not([hidden]){display:block;font-weight:400;font-size:13px}' +
        Y + '#cg-object[aria-pressed=true]{background:' + pr + ';color:' + pt + ';border-color:' + pr + '}' +
        Y + '#cg-err{margin:12px 0 0;font-weight:700;border-inline-start:4px solid ' + fg + ';padding-inline-start:10px}' +
        Y + '.cg-btns{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0 0}' +
        Y + '.cg-btn{flex:1 1 0;min-width:max-content;max-width:16em;min-height:44px;margin:0;padding:10px 20px;border:2px solid ' + pr +
        ';border-radius:8px;background:' + pr + ';color:' + pt + ';font-weight:600;line-height:1.25;text-align:center;cursor:pointer}' +
        Y + '.cg-sec{background:transparent;color:' + fg + ';border-color:' + fg + '}' +
        Y + '.cg-btn:hover{box-shadow:inset 0 0 0 99px rgba(0,0,0,.12)}' +
        Y + '[aria-expanded]::after{content:"";display:inline-block;width:.4em;height:.4em;margin:0 0 .25em .6em;border:solid;border-width:0 2px 2px 0;transform:rotate(45deg);vertical-align:middle}' +
        Y + '[aria-expanded=true]::after{transform:rotate(-135deg);margin-bottom:0}' +
        Y + '#cg-close{position:absolute;top:8px;inset-inline-end:8px;width:44px;height:44px;margin:0;padding:0;border:0;border-radius:8px;background:transparent;font-size:28px;line-height:1;cursor:pointer}' +
        Y + '#cg-cats{margin:16px 0 0;border-top:1px solid ' + fg + '40}' +
        Y + '.cg-cat{display:grid;grid-template-columns:auto 1fr;column-gap:12px;align-items:center;padding:12px 0;border-bottom:1px solid ' + fg + '40}' +
        Y + '.cg-cat input{width:20px;height:20px;margin:0;accent-color:' + pr + ';cursor:pointer}' +
        Y + '.cg-cat label{font-weight:600;cursor:pointer}' +
        Y + '.cg-cat p{grid-column:2;margin:2px 0 0;font-size:14px}' +
        '#cg-reopen{z-index:2147483645;bottom:16px;inset-inline-start:16px;min-height:44px;padding:8px 16px;border:1px solid ' + fg +
        ';border-radius:22px;font-size:14px;font-weight:600;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.2)}' +
        Y + ':focus-visible,#cg-reopen:focus-visible{outline:3px solid ' + fg + ';outline-offset:2px;box-shadow:0 0 0 2px ' + bg + ',0 0 0 7px ' + bg + '}' +
        '#cg-live{position:fixed;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);clip-path:inset(50%);white-space:nowrap}' +
        '@keyframes cg-in{from{opacity:0}}' +
        '@media (max-width:480px){' + Y + '.cg-btns{flex-direction:column}' + Y + '.cg-btn' + full + '}' +
        Z + 'box .cg-btns{flex-direction:column}' + Z + 'box .cg-btn' + full +
        '@media (prefers-reduced-motion:reduce){' + X + '{animation:none}}' +
        '@media print{' + X + ',#cg-reopen{display:none!important}}';
};

// ---- the banner
var upd = () => {
    var h = blocked();
    if (sig) {
        sig.hidden = !h;
    }
    if (reopen) {
        reopen.hidden = isOpen;
        reopen.querySelector('span').hidden = !h;
        reopen.setAttribute('aria-label', T.reopen + (h ? ': ' + T.signal : ''));
    }
};

var toggle = (o) => {
    list.hidden = !o;
    setBtn.setAttribute('aria-expanded', !!o);
};

var ui = (cats, method) => {
    if (!busy) {
        record(cats, method).catch(noop);
    }
};

var build = () => {
    B = el('div', {
        id: 'cg-banner',
        'class': 'cg-' + pos + (/-|center/.test(pos) ? ' cg-box' : ''),
        role: 'dialog',
        'aria-modal': 'false',
        'aria-labelledby': 'cg-title',
        'aria-describedby': 'cg-body' + (signal ? ' ' + sigId : ''),
        lang: LANG,
        dir: /^(ar|fa|he|ur)\b/i.test(LANG) ? 'rtl' : 'ltr',
        tabindex: '-1'
    });
    B.hidden = true;
    xBtn = el('button', {type: 'button', id: 'cg-close', 'aria-label': T.close || 'Close'}, '\u00d7');
    xBtn.onclick = () => close();
    B.append(xBtn, el('h2', {id: 'cg-title'}, T.title), el('p', {id: 'cg-body'}, T.body));
    if (signal) {
        sig = el('p', {id: sigId, 'class': 'cg-signal'}, showGpc ? T.gpc : T.dnt);
        B.append(sig);
    }
    if (C.policyUrl) {
        var p = el('p');
        p.append(el('a', {id: 'cg-policy', href: C.policyUrl}, T.policy));
        B.append(p);
    }
    var row = el('div', {'class': 'cg-btns'});
    var btn = (id, text, fn, sec, parent) => {
        var b = el('button', {type: 'button', id: 'cg-' + id, 'class': 'cg-btn' + (sec ? ' cg-sec' : '')}, text);
        b.onclick = fn;
        (parent || row).append(b);
        return b;
    };
    B.append(row);
    if (notice) {
        btn('ok', T.ok, () => ui([]));
    } else {
        btn('accept', T.accept, () => ui(IDS, 'accept_all'));
        btn('reject', T.reject, () => ui([], 'reject_all'));
        setBtn = btn('settings', T.settings, () => toggle(list.hidden), 1);
        setBtn.setAttribute('aria-controls', 'cg-cats');
        list = el('div', {id: 'cg-cats'});
        var cat = (id, c, nec) => {
            var r = el('div', {'class': 'cg-cat'});
            var i = boxes[id] = el('input', {type: 'checkbox', id: 'cg-cat-' + id});
            i.checked = i.disabled = !!nec;
            r.append(i, el('label', {'for': 'cg-cat-' + id}, c.label));
            if (c.description) {
                i.setAttribute('aria-describedby', 'cg-desc-' + id);
                r.append(el('p', {id: 'cg-desc-' + id}, c.description));
            }
            list.append(r);
        };
        cat('necessary', C.necessary || {label: 'Necessary'}, 1);
        CATS.forEach((c) => cat(c.id, c));
        var save = el('div', {'class': 'cg-btns'});
        btn('save', T.save, () => ui(IDS.filter((id) => boxes[id].checked), 'custom'), 0, save);
        list.append(save);
        if (C.pixel) {
            var ob = el('div', {'class': 'cg-btns'});
            objBtn = btn('object', T.object, () => {
                if (!busy) {
                    api.object(!objecting()).catch(noop);
                }
            }, 1, ob);
            list.append(ob);
        }
        B.append(list);
        toggle(false);
    }
    err = el('p', {id: 'cg-err'});
    err.hidden = true;
    B.append(err);
    B.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' || e.key === 'Esc') {
            if (list && !list.hidden) {
                toggle(false);
                setBtn.focus();
            } else if (cur) {
                close();
            }
        }
    });
    d.body.insertBefore(B, d.body.firstChild);
};

// full: with the category list open; auto: on page load, where it does
// not take the focus from something the visitor already focused
var open = (full, auto) => {
    if (!d.body) {
        return;
    }
    if (!B) {
        build();
    }
    if (!isOpen) {
        prev = d.activeElement;
    }
    say('');
    err.hidden = true;
    if (list) {
        CATS.forEach((c) => {
            boxes[c.id].checked = !!cur && (cur.all || cur.cats.indexOf(c.id) >= 0);
        });
        toggle(full);
    }
    xBtn.hidden = !cur;
    if (objBtn) {
        objBtn.setAttribute('aria-pressed', objecting());
    }
    B.hidden = false;
    B.scrollTop = 0;
    isOpen = true;
    upd();
    if (!auto || !prev || prev === d.body) {
        B.focus({preventScroll: true});
    }
};

var close = () => {
    var ae = d.activeElement, had = B.contains(ae);
    B.hidden = true;
    isOpen = false;
    upd();
    if (had) {
        ae.blur();
        if (prev && prev !== d.body && prev.isConnected && prev.focus) {
            prev.focus();
        }
    }
};

// ---- what a choice switches on: withheld scripts, Mautic, tag managers
var activate = () => {
    d.querySelectorAll('script[type="text/plain"][data-category]').forEach((o) => {
        var need = o.getAttribute('data-category').split(/\s+/).filter(Boolean);
        if (o.getAttribute('data-consentgate') === 'done' || !need.length || !need.every(allowed)) {
            return;
        }
        var src = o.getAttribute('data-src'), s = d.createElement('script');
        [].forEach.call(o.attributes, (a) => {
            if (['type', 'data-src', 'data-category'].indexOf(a.name) < 0) {
                s.setAttribute(a.name, a.value);
            }
        });
        s.nonce = o.nonce || '';
        if (src) {
            s.src = src;
            s.async = o.hasAttribute('async');
        } else {
            s.text = o.textContent;
        }
        o.setAttribute('data-consentgate', 'done');
        o.parentNode.insertBefore(s, o.nextSibling);
    });
};

// Mautic's own queue stub when the page has none: mtc.js reads window.mt.q
var realMt = typeof w.mt === 'function' ? w.mt : function () {
    (w.mt.q = w.mt.q || []).push(arguments);
};
var mReady = () => allowed(mcat) && (!C.mautic || mState === 2);
var flush = () => {
    var q = mq;
    mq = [];
    q.forEach((a) => {
        try {
            realMt.apply(w, a);
        } catch (e) {
            later(e);
        }
    });
};
var mautic = () => {
    if (!allowed(mcat)) {
        if (cur) {
            mq = [];
        }
        return;
    }
    if (C.mautic && !mState) {
        mState = 1;
        w.MauticTrackingObject = w.MauticTrackingObject || 'mt';
        var s = el('script', {src: C.mautic.src});
        s.nonce = nonce;
        s.onload = () => {
            mState = 2;
            flush();
        };
        s.onerror = () => {
            mState = 0;
        };
        (d.head || d.body).append(s);
    }
    if (mReady()) {
        flush();
    }
};

var tags = () => {
    var a = ['analytics', 'tracking', 'statistics'].some(allowed) ? 'granted' : 'denied';
    var m = ['marketing', 'tracking', 'ads'].some(allowed) ? 'granted' : 'denied';
    try {
        if (typeof w.gtag === 'function') {
            w.gtag('consent', 'update', {analytics_storage: a, ad_storage: m, ad_user_data: m, ad_personalization: m});
        }
        if (typeof w.fbq === 'function') {
            w.fbq('consent', granted() && !blocked() ? 'grant' : 'revoke');
        }
    } catch (e) {
        later(e);
    }
};

var apply = () => {
    activate();
    mautic();
    tags();
};

var changed = () => {
    d.dispatchEvent(new CustomEvent('consentgate:change', {detail: status()}));
    upd();
    apply();
};

// ---- the server records choices and is the source of truth
var done = () => {
    busy = false;
    if (B) {
        B.removeAttribute('aria-busy');
    }
};
var run = (path, body, then) => {
    var p = chain.then(() => {
        busy = true;
        if (B) {
            B.setAttribute('aria-busy', 'true');
        }
        return fetch(C.endpoint + path, {
            method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify(body),
            credentials: 'same-origin'
        });
    }).then((r) => {
        if (!r.ok) {
            throw new Error('consentgate: HTTP ' + r.status);
        }
    }).then(() => {
        done();
        return then();
    }, (e) => {
        var m = T.error || 'Your choice could not be saved. Please try again.';
        done();
        if (isOpen) {
            err.textContent = m;
            err.hidden = false;
            err.scrollIntoView({block: 'nearest'});
        }
        say(m);
        throw e;
    });
    chain = p.catch(noop);
    return p;
};

// which button, and the notice shown (its hash), for the receipt
var record = (cats, method) => run('/consent', {categories: cats, method: method, notice: C.notice}, () => {
    cur = read();
    if (isOpen) {
        close();
    }
    say(T.saved);
    changed();
    return status();
});

var api = w.consentgate = {
    accept: (cats) => {
        var want = cats == null ? IDS : [].concat(cats);
        return record(IDS.filter((id) => want.indexOf(id) >= 0), cats == null ? 'accept_all' : 'custom');
    },
    reject: () => record([], 'reject_all'),
    show: () => open(1),
    object: (on) => run('/object', {object: on !== false}, () => {
        if (objBtn) {
            objBtn.setAttribute('aria-pressed', objecting());
        }
        say(objecting() ? T.objected : T.saved);
        return objecting();
    }),
    status: status,
    allowed: allowed,
    forget: () => run('/forget', {}, () => {
        var h = location.hostname.split('.');
        ['mtc_id', 'mtc_sid', 'mautic_device_id'].forEach((n) => {
            try {
                w.localStorage.removeItem(n);
            } catch (e) {}
            for (var i = -1; i < h.length - 1; i++) {
                d.cookie = n + '=; Max-Age=0; Path=/' + (i < 0 ? '' : '; Domain=' + h.slice(i).join('.'));
            }
        });
        cur = read();
        changed();
        open(1);
        return status();
    })
};

// ---- Mautic's mt(): consent calls become choices, the rest waits for
// consent and mtc.js, and is dropped on refusal
if (realMt.q && realMt.q.length && !Object.prototype.hasOwnProperty.call(realMt.q, 'push')) {
    mq = realMt.q.splice(0);
}
w.mt = (...a) => {
    if (a[0] === 'send' && /^setCookieConsent/.test(a[1])) {
        (a[1] === 'setCookieConsentGiven' ? api.accept() : api.reject()).catch(noop);
    } else if (mReady()) {
        realMt.apply(w, a);
    } else if (!cur || allowed(mcat)) {
        mq.push(a);
    }
};

var start = () => {
    var st = el('style', {id: 'cg-style'}, css());
    st.nonce = nonce;
    (d.head || d.body).append(st);
    live = el('div', {id: 'cg-live', role: 'status', 'aria-live': 'polite', lang: LANG});
    d.body.append(live);
    // while a signal is honoured the button stays, saying so on every page
    if (C.reopenButton || signal) {
        reopen = el('button', {type: 'button', id: 'cg-reopen', 'aria-label': T.reopen, lang: LANG}, T.reopen);
        reopen.append(el('span', {id: 'cg-signal'}, T.signal));
        reopen.onclick = api.show;
        d.body.append(reopen);
    }
    d.addEventListener('click', (e) => {
        if (e.target.closest && e.target.closest('[data-consentgate="show"]')) {
            e.preventDefault();
            api.show();
        }
    });
    // back/forward cache: the choice may have changed on another page
    w.addEventListener('pageshow', (e) => {
        var was = cur && cur.key;
        if (e.persisted && ((cur = read()) && cur.key) !== was) {
            if (!cur) {
                open(0, 1);
            } else if (isOpen) {
                close();
            }
            changed();
        }
    });
    cur = read();
    if (!cur) {
        open(0, 1);
    }
    upd();
    apply();
    if (C.pixel && !objecting() && !(C.mautic ? allowed(mcat) : IDS.some(allowed))) {
        new Image().src = C.endpoint + '/pixel.gif?u=' + encodeURIComponent(location.href);
    }
};
cur = read();
if (d.readyState === 'loading') {
    d.addEventListener('DOMContentLoaded', start);
} else {
    start();
}
})
