<?php
/* A backend that behaves like Mautic 5.x (Symfony 5.4's cookie format:
 * lower-case attributes, Secure always, SameSite as CookieHelper passes it)
 * on the routes that set cookies, plus a few routes the tests need.
 * Reached as CGI (php-cgi), through php-fpm and through mod_proxy_http. */

function sf_cookie($name, $value, $expire = 1800, $samesite = 'lax', $httponly = false)
{
    $line = $name . '=' . rawurlencode((string)$value);
    if ($expire !== null) {
        $t = time() + $expire;
        $line .= '; expires=' . gmdate('D, d-M-Y H:i:s T', $t) . '; Max-Age=' . max(0, $expire);
    }
    $line .= '; path=/; secure';
    if ($httponly) {
        $line .= '; httponly';
    }
    $line .= '; samesite=' . $samesite;
    header('Set-Cookie: ' . $line, false);
}

/* Mautic 4.x used PHP's setcookie(): mixed-case attributes, SameSite=None */
function php_cookie($name, $value, $expire)
{
    setcookie($name, $value, ['expires' => $expire ? time() + $expire : 0,
        'path' => '/', 'secure' => true, 'samesite' => 'None']);
}

function device_id()
{
    $chars = '0123456789abcdefghijklmnopqrstuvwxyz';
    $id = '';
    for ($i = 0; $i < 23; $i++) {
        $id .= $chars[random_int(0, 35)];
    }
    return $id;
}

/* the device getTrackedIdentifier() finds without a cookie: the
 * mautic_device_id parameter (query or body) mtc.js sends */
function device_param()
{
    $id = $_GET['mautic_device_id'] ?? $_POST['mautic_device_id'] ?? '';
    return is_string($id) ? $id : '';
}

/* which identifiers reached the backend, for the browser tests: a
 * diagnostic of this fixture, not something Mautic sends */
function identified_by()
{
    $seen = [];
    foreach (['mautic_device_id', 'mtc_id', 'mtc_sid'] as $k) {
        if (isset($_GET[$k]) || isset($_POST[$k])) {
            $seen[] = $k;
        }
        if (isset($_COOKIE[$k])) {
            $seen[] = 'cookie:' . $k;
        }
    }
    header('X-Identified-By: ' . (implode(',', $seen) ?: '-'));
}

/* DeviceTrackingService::createTrackingCookies: a new device, or one known
 * by the parameter, gets the cookies; a device known by cookie keeps them */
function track_device()
{
    if (!empty($_COOKIE['mautic_device_id'])) {
        return $_COOKIE['mautic_device_id'];
    }
    $id = device_param() ?: device_id();
    sf_cookie('mautic_device_id', $id, 31536000, 'none');
    sf_cookie('mtc_id', 42, null, 'none');
    return $id;
}

/* PageModel::hitPage */
function hit_page()
{
    sf_cookie('mautic_referer_id', random_int(1000, 999999), 1800, 'none');
}

/* Mattermost's app/login.go AttachSessionCookies: no SameSite, Secure
 * only over https, Max-Age and Expires (30 days) */
function mm_https()
{
    return (!empty($_SERVER['HTTPS']) && $_SERVER['HTTPS'] !== 'off')
        || ($_SERVER['HTTP_X_FORWARDED_PROTO'] ?? '') === 'https';
}

function mm_session_cookies()
{
    /* Expires is now + 30 days in Mattermost; a fixed date here, so two
     * responses a second apart are the same bytes */
    $attrs = '; Path=/; Max-Age=2592000; Expires=Tue, 01 Jan 2036 00:00:00 GMT'
        . (mm_https() ? '; Secure' : '');
    header('Set-Cookie: MMAUTHTOKEN=tok123' . $attrs . '; HttpOnly', false);
    header('Set-Cookie: MMUSERID=user1' . $attrs, false);
    header('Set-Cookie: MMCSRF=csrf1' . $attrs, false);
}

function session_cookie()
{
    /* the Symfony session: a 32-hex name, HttpOnly, SameSite=Lax */
    header('Set-Cookie: 0123456789abcdef0123456789abcdef=' . bin2hex(random_bytes(8))
        . '; path=/; secure; httponly; samesite=lax', false);
}

$route = !empty($_SERVER['PATH_INFO']) ? $_SERVER['PATH_INFO']
    : parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
/* a vhost may mount the app below a prefix */
$route = preg_replace('#^/(mautic|app)(?=/)#', '', $route);
header('Content-Type: text/html; charset=UTF-8');

switch (true) {
/* first: any route ending in /echo answers what the backend was told */
case (bool)preg_match('#(^|/)echo$#', $route):
    /* what the backend was told */
    header('Content-Type: text/plain');
    printf("cookie: %s\n", $_SERVER['HTTP_COOKIE'] ?? '');
    printf("consent-state: %s\n", $_SERVER['HTTP_CONSENT_STATE'] ?? '');
    printf("consent-categories: %s\n", $_SERVER['HTTP_CONSENT_CATEGORIES'] ?? '');
    printf("sec-gpc: %s\n", $_SERVER['HTTP_SEC_GPC'] ?? '');
    printf("env: %s\n", $_SERVER['CONSENTGATE'] ?? getenv('CONSENTGATE') ?: '');
    printf("source: %s\n", $_SERVER['CONSENTGATE_SOURCE'] ?? getenv('CONSENTGATE_SOURCE') ?: '');
    printf("mautic_device_id: %s\n", $_COOKIE['mautic_device_id'] ?? '');
    /* what DeviceTrackingService::getTrackedIdentifier() would read */
    printf("query: %s\n", $_SERVER['QUERY_STRING'] ?? '');
    printf("get: %s\n", implode(',', array_keys($_GET)));
    printf("post: %s\n", implode(',', array_keys($_POST)));
    $raw = file_get_contents('php://input');
    printf("content-length: %s\n", $_SERVER['CONTENT_LENGTH'] ?? '');
    printf("body-length: %d\n", strlen($raw));
    printf("body-md5: %s\n", md5($raw));
    if (strlen($raw) < 4096) {
        printf("body: %s\n", $raw);
    }
    break;

case $route === '/mtc.js':
    /* MAUTIC_NON_TRACKABLE_REQUEST: no cookie from the server. As Mautic's
     * BuildJsSubscriber: the page view is POSTed to /mtc/event (urlencoded,
     * the pixel /mtracking.gif as fallback) with the ids from localStorage
     * as parameters; only the answer's ids are written, as session cookies
     * (path=/; secure) and to localStorage. */
    header('Content-Type: application/javascript');
    echo <<<'JS'
/* mtc.js */
(function () {
    var me = document.currentScript && document.currentScript.src;
    var base = me ? me.replace(/\/mtc\.js(\?.*)?$/, '') : '/cgi';
    var ids = ['mautic_device_id', 'mtc_id', 'mtc_sid'];
    function stored(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
    function setCookie(k, v) { document.cookie = k + '=' + encodeURIComponent(v) + '; path=/; secure'; }
    function query(extra) {
        var p = [];
        for (var k in extra) p.push(k + '=' + encodeURIComponent(extra[k]));
        /* appendTrackedContact: only once localStorage holds an id */
        if (stored('mtc_id')) {
            ids.forEach(function (k) { var v = stored(k); if (v) p.push(k + '=' + encodeURIComponent(v)); });
        }
        return p.join('&');
    }
    function setTrackedContact(r) {
        if (!r || !r.id) return;
        var v = { mtc_id: r.id, mtc_sid: r.sid, mautic_device_id: r.device_id };
        ids.forEach(function (k) {
            if (v[k] === undefined || v[k] === null) return;
            setCookie(k, v[k]);
            try { localStorage.setItem(k, v[k]); } catch (e) {}
        });
    }
    function pixel(params, done) {
        var img = new Image();
        img.onload = img.onerror = done;
        img.src = base + '/mtracking.gif?' + params;
    }
    var M = window.MauticJS = { loaded: false, base: base, pixel: pixel, query: query };
    M.pageView = function (done) {
        var params = query({ page_url: location.href, page_title: document.title });
        var x = new XMLHttpRequest();
        x.open('POST', base + '/mtc/event');
        x.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
        x.withCredentials = true;
        x.onload = function () {
            var r = null;
            try { r = JSON.parse(x.responseText); } catch (e) {}
            if (x.status === 200 && r) { setTrackedContact(r); done && done(); }
            else pixel(params, done);
        };
        x.onerror = function () { pixel(params, done); };
        x.send(params);
    };
    M.pageView(function () { M.loaded = true; });
})();
JS;
    break;

case $route === '/notransform':
    header('Cache-Control: no-transform');
    echo "<html><head><title>n</title></head><body>n</body></html>\n";
    break;

case $route === '/gzipped':
    /* a backend that compresses its own pages */
    header('Content-Encoding: gzip');
    echo gzencode("<html><head><title>z</title></head><body>z</body></html>\n");
    break;

case $route === '/mtc/event':
    /* PublicController::trackingAction: the hit, and the identity in a
     * JSON body that mtc.js stores */
    identified_by();
    $device = track_device();
    hit_page();
    header('Content-Type: application/json');
    echo json_encode(['success' => 1, 'id' => 42, 'sid' => 7,
                      'device_id' => $device, 'events' => []]);
    break;

case $route === '/mtracking.gif'
    || (bool)preg_match('#^/focus/\d+/viewpixel\.gif$#', $route)
    || (bool)preg_match('#^/email/[^/]+\.gif$#', $route):
    identified_by();
    track_device();
    hit_page();
    header('Content-Type: image/gif');
    echo base64_decode('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
    break;

case $route === '/mtc':
    track_device();
    header('Content-Type: application/json');
    echo '{"id":42,"sid":null,"device_id":"x"}';
    break;

case $route === '/v4/mtracking.gif':
    /* Mautic 4.x: mtc_sid too, PHP's attribute spelling */
    php_cookie('mautic_device_id', device_id(), 31536000);
    php_cookie('mtc_id', '42', 0);
    php_cookie('mtc_sid', device_id(), 0);
    header('Content-Type: image/gif');
    echo "GIF89a";
    break;

case $route === '/dwc':
    /* DynamicContentApiController::getAction without NON_TRACKABLE: a new
     * visitor becomes a contact and gets the device cookies */
    track_device();
    header('Content-Type: application/json');
    echo '{"content":"","id":42,"sid":null,"device_id":"x"}';
    break;

case (bool)preg_match('#^/dwc/[\w-]+$#', $route):
    /* processAction defines NON_TRACKABLE: only a visitor already known by
     * cookie or by the mautic_device_id parameter is cookied (again) */
    $known = $_COOKIE['mautic_device_id'] ?? $_REQUEST['mautic_device_id'] ?? '';
    if ($known !== '') {
        sf_cookie('mautic_device_id', $known, 31536000, 'none');
        sf_cookie('mtc_id', 42, null, 'none');
    }
    header('Content-Type: application/json');
    echo '{"content":"<p>slot</p>","id":' . ($known !== '' ? 42 : 'null') . '}';
    break;

case $route === '/video/hit':
case $route === '/notification/subscribe':
    /* VideoModel::hitVideo and NotificationApiController: getContact() */
    track_device();
    header('Content-Type: application/json');
    echo '{"success":1}';
    break;

case (bool)preg_match('#^/plugin/\w+/tracking\.gif$#', $route):
    /* an integration's pixel: getContact() */
    track_device();
    header('Content-Type: image/gif');
    echo base64_decode('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==');
    break;

case $route === '/form/submit/ajax':
    /* saveSubmission() calls getContact() even in kiosk mode */
    track_device();
    session_cookie();
    header('Content-Type: application/json');
    echo '{"success":1,"message":"Thank you"}';
    break;

case (bool)preg_match('#^/form/(embed/)?\d+$#', $route):
    /* FormModel::generateHtml calls getContact() */
    track_device();
    echo "<form method=\"post\" action=\"/form/submit?formId=1\"><input name=\"mauticform[email]\"></form>\n";
    break;

case (bool)preg_match('#^/email/resubscribe/\w+$#', $route):
    /* PublicController::resubscribeAction identifies the contact */
    track_device();
    echo "<html><body><p>You have been resubscribed.</p></body></html>\n";
    break;

case (bool)preg_match('#^/(r|redirect)/\w+$#', $route):
    /* only an email click (?ct=) identifies and cookies the visitor */
    if (isset($_GET['ct'])) {
        track_device();
        hit_page();
    }
    header('Location: https://example.org/landing', true, 302);
    break;

case (bool)preg_match('#^/asset/#', $route):
    track_device();
    header('Content-Type: application/pdf');
    echo "%PDF-1.4\n";
    break;

case $route === '/form/submit':
    /* even in kiosk mode, saveSubmission() calls getContact() */
    track_device();
    session_cookie();
    header('Location: /form/message', true, 302);
    break;

case (bool)preg_match('#^/email/(unsubscribe|dnc)/#', $route):
    session_cookie();
    if (getenv('MAUTIC_PREFERENCE_CENTER') && $_SERVER['REQUEST_METHOD'] !== 'POST') {
        /* show_contact_preferences: the GET is a form and unsubscribes
         * nothing; the page is a hit (PublicController, hitPage) */
        hit_page();
        echo "<html><body><form method=\"post\"><button>Unsubscribe</button>"
            . "</form></body></html>\n";
        break;
    }
    track_device();
    echo "<html><body><p>You have been unsubscribed.</p></body></html>\n";
    break;

case (bool)preg_match('#^/email/validate/(unsubscribe|resubscribe)/(?!.*/echo$)#', $route):
    /* 7.2+: a confirmation form (session and CSRF) before the action */
    session_cookie();
    echo "<html><body><form method=\"post\"><button>Confirm</button>"
        . "</form></body></html>\n";
    break;

case $route === '/landing-ab':
    track_device();
    hit_page();
    sf_cookie('mautic_page_12', 13, 1209600);
    echo "<html><head><title>Landing</title></head><body>A/B</body></html>\n";
    break;

case $route === '/misc':
    /* a cookie no preset knows */
    header('Set-Cookie: shop_pref=blue; path=/', false);
    sf_cookie('mautic_referer_id', 7, 1800, 'none');
    echo "misc\n";
    break;

case $route === '/weird':
    /* Set-Cookie lines no sane app writes: the gate must neither crash nor
     * let a tracking cookie through because of them */
    foreach (['', ' ', '=', '=nameless', 'novalue', ';;;', ' mtc_id = 5 ; path=/',
              "mautic_device_id\t=x", 'mtc_id=1;Max-Age=abc', 'mtc_id=1; Max-Age=1e9',
              'mtc_id=1; expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=-',
              str_repeat('x', 4000) . '=1'] as $line) {
        header('Set-Cookie: ' . $line, false);
    }
    echo "weird\n";
    break;

case $route === '/deleted':
    /* DeviceTrackingService::clearTrackingCookies */
    header('Set-Cookie: mtc_id=deleted; expires=' . gmdate('D, d-M-Y H:i:s T', time() - 31536001)
        . '; Max-Age=0; path=/; secure; samesite=lax', false);
    header('Set-Cookie: mautic_device_id=deleted; expires=' . gmdate('D, d-M-Y H:i:s T', time() - 31536001)
        . '; Max-Age=0; path=/; secure; samesite=lax', false);
    echo "deleted\n";
    break;

case $route === '/mattermost/login':
    mm_session_cookies();
    echo "<html><head><title>Mattermost</title></head><body>login</body></html>\n";
    break;

case (bool)preg_match('#^/mattermost/oauth/(gitlab|google|office365|openid)/login$#', $route):
    /* app/oauth.go GetAuthorizationCode: the state's CSRF binding, 30 min */
    $state = bin2hex(random_bytes(8));
    header('Set-Cookie: MMOAUTH=' . $state . '; Path=/; Max-Age=1800; Expires='
        . gmdate('D, d M Y H:i:s', time() + 1800) . ' GMT; HttpOnly'
        . (mm_https() ? '; Secure' : ''), false);
    header('Location: https://gitlab.example/oauth/authorize?state=' . $state, true, 302);
    break;

case (bool)preg_match('#^/mattermost/signup/(gitlab|google|office365|openid)/complete$#', $route):
    /* AuthorizeOAuthUser: the state must match the cookie, which is then
     * deleted */
    if (!isset($_COOKIE['MMOAUTH']) || ($_GET['state'] ?? '') !== $_COOKIE['MMOAUTH']) {
        http_response_code(400);
        echo "invalid_state\n";
        break;
    }
    header('Set-Cookie: MMOAUTH=; Path=/; Max-Age=0; HttpOnly', false);
    mm_session_cookies();
    echo "<html><head><title>Mattermost</title></head><body>signed in</body></html>\n";
    break;

case (bool)preg_match('#^/status/(\d{3})$#', $route, $m):
    track_device();
    hit_page();
    session_cookie();
    http_response_code((int)$m[1]);
    echo "status $m[1]\n";
    break;

case $route === '/etag':
    track_device();
    hit_page();
    header('ETag: "v1"');
    header('Cache-Control: no-cache');
    if (($_SERVER['HTTP_IF_NONE_MATCH'] ?? '') === '"v1"') {
        http_response_code(304);
        break;
    }
    echo "etag body\n";
    break;

case $route === '/cacheable':
    track_device();
    hit_page();
    session_cookie();
    header('Cache-Control: public, max-age=300');
    echo 'generated ' . uniqid('', true) . "\n";
    break;

default:
    /* the catch-all: a landing page, or a 404 that still records a hit
     * and cookies the visitor (do_not_track_404_anonymous is false) */
    track_device();
    hit_page();
    if ($route === '/' || $route === '/landing') {
        echo "<html><head><title>Landing</title></head><body>Welcome</body></html>\n";
    } else {
        http_response_code(404);
        echo "<html><body>Not found</body></html>\n";
    }
}
