# The status page is private and records nothing that can carry a
# secret: off by default (404, like an unknown endpoint); no revocation
# path, excluded path or token-like segment on it; one site's counts and
# paths never on another's; made-up pages get no slot of their own; and a
# flood from one address cannot push real visitors off the page.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use LWP::UserAgent;
use Apache::Test ();
use Apache::TestRequest ();
use CG;

my $pixel = '/consentgate/pixel.gif';
my @ua = ('User-Agent' => 'Mozilla/5.0 (X11; Linux x86_64) StatusTest',
          'Accept-Language' => 'en');

sub status_of {
    my ($vhost) = @_;
    my $res = get_from($vhost, '/consentgate/status?format=json');
    die "$vhost: status " . $res->code unless $res->code == 200;
    return JSON::PP::decode_json($res->content);
}

sub pages_of {
    my ($doc) = @_;
    return { map { $_->{path} => $_->{views} } @{ $doc->{pages} } };
}

sub site_url {
    my ($vhost, $path) = @_;
    Apache::TestRequest::module($vhost);
    return Apache::TestRequest::resolve_url($path);
}

sub hit {
    my ($vhost, $u, @more) = @_;
    my $path = defined $u ? "$pixel?u=" . uri_escape($u) : $pixel;
    return get_from($vhost, $path, @ua, @more);
}

sub uri_escape {
    my ($s) = @_;
    $s =~ s/([^A-Za-z0-9._~\/-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# ---- off by default ----
{
    my $unknown = get_from('status_default', '/consentgate/nothing');
    for my $path ('/consentgate/status', '/consentgate/status?format=json') {
        my $res = get_from('status_default', $path);
        is($res->code, 404, "without ConsentStatus On, $path is 404");
        is($res->content, $unknown->content, '... as an unknown endpoint is');
    }
    is(get_from('status_default', '/consentgate/status',
                Accept => 'application/json')->code, 404, 'JSON too');
    is(get_from('status_a', '/consentgate/status?format=json')->code, 200,
       'with ConsentStatus On it answers');
    is(hit('status_default', '/x')->code, 200,
       'the pixel still answers where the page is off');
}

# ---- nothing secret on the page ----
{
    my $before = status_of('status_a');
    my $referer = site_url('status_a', '/from-here');
    my @secret = (
        '/email/view/5f3a2b1c9d8e7',                # mautic preset
        '/mautic/email/unsubscribe/606ef81c',       # ... in a subfolder
        '/s/contacts/view/4242',                    # ... the admin area
        '/r/77aa88',                                # ... a redirect
        '/letter/optout/carol',                     # ConsentRevokePath
        '/account/settings',                        # ConsentStatusExclude
        '/shop/hook/carol',                         # ... */hook/
        '//account//settings',                      # ... merged first
    );
    hit('status_a', $_, Referer => $referer) for @secret;
    hit('status_a', '/reset/2fd4e1c67a2d28fced849ee1bb76e7391b93eb12/done',
        Referer => $referer);
    hit('status_a', undef, Referer =>
        site_url('status_a', '/invite/aGVsbG8gd29ybGQgaGVsbG8_d29y1?x=1'));
    hit('status_a', '/doc/123e4567-e89b-12d3-a456-426614174000',
        Referer => $referer);

    my $after = status_of('status_a');
    my $pages = pages_of($after);
    is($after->{today}{views} - $before->{today}{views}, 11,
       'every view counted');
    ok($after->{other_pages} - $before->{other_pages} >= 8,
       'the excluded ones without a path');
    ok($pages->{'/reset/:token/done'}, 'a hex token is replaced')
        or diag explain $pages;
    ok($pages->{'/invite/:token'}, 'a base64url token from the Referer too');
    ok($pages->{'/doc/:token'}, 'a UUID too');
    my $html = get_from('status_a', '/consentgate/status')->content;
    for my $text ($after, $html) {
        my $s = ref $text ? JSON::PP::encode_json($text) : $text;
        my $what = ref $text ? 'JSON' : 'HTML';
        for my $secret (qw(email contacts 77aa88 optout carol account hook
                           2fd4e1c67a2d aGVsbG8 123e4567 426614174000
                           5f3a2b1c9d8e7)) {
            unlike($s, qr/\Q$secret\E/, "$what: no '$secret'");
        }
    }
}

# ---- one site's counts are its own ----
{
    my ($a0, $b0) = (status_of('status_a'), status_of('status_b'));
    hit('status_b', '/only-on-b', Referer => site_url('status_b', '/only-on-b'))
        for 1 .. 3;
    my ($a1, $b1) = (status_of('status_a'), status_of('status_b'));
    is($b1->{today}{views} - $b0->{today}{views}, 3, 'b counts its views');
    is($a1->{today}{views}, $a0->{today}{views}, 'a does not');
    ok(pages_of($b1)->{'/only-on-b'}, "b lists its page");
    ok(!pages_of($a1)->{'/only-on-b'}, "a does not");
    unlike(get_from('status_a', '/consentgate/status')->content,
           qr/only-on-b/, "nor does a's HTML");
    ok(!pages_of(status_of('gate'))->{'/only-on-b'}, 'nor the gate vhost');
}

# ---- made-up pages get no slot ----
{
    my $b0 = status_of('status_b');
    hit('status_b', "/made-up-$_") for 1 .. 80;     # no Referer
    hit('status_b', "/made-up-r$_",
        Referer => 'https://elsewhere.example/x') for 1 .. 10;
    my $b1 = status_of('status_b');
    my $pages = pages_of($b1);
    ok(!grep({ /made-up/ } keys %$pages), 'no slot for a page no one linked')
        or diag explain [ grep { /made-up/ } keys %$pages ];
    is($b1->{other_pages} - $b0->{other_pages}, 90,
       'they count among the other pages');
    hit('status_b', '/real-page', Referer => site_url('status_b', '/real-page'));
    ok(pages_of(status_of('status_b'))->{'/real-page'},
       'a page with this site as Referer gets one');
    hit('status_a', '/landing/spring');
    ok(pages_of(status_of('status_a'))->{'/landing/spring'},
       'so does a page under ConsentStatusPages');
}

# ---- a flood from one address evicts no one ----
{
    # a real visitor from another /16 (127.1.0.0), before and after a flood
    # from 127.0.0.1 with a plausible Referer and a new page each time
    my $port = do { Apache::TestRequest::module('status_a');
                    Apache::TestRequest::hostport() };
    $port =~ s/.*://;
    my $real = LWP::UserAgent->new(local_address => '127.1.0.1', timeout => 10,
                                   agent => 'Mozilla/5.0 (X11) RealVisitor');
    my $real_get = sub {
        my ($page) = @_;
        return $real->get("http://127.0.0.1:$port$pixel?u=" . uri_escape($page),
                          Referer => "http://127.0.0.1:$port$page",
                          'Accept-Language' => 'en');
    };
    my $s0 = status_of('status_a');
    is($real_get->('/real-before')->code, 200, 'a real visitor views a page');
    my $s1 = status_of('status_a');
    is($s1->{today}{uniques} - $s0->{today}{uniques}, 1, 'counted as unique');

    my $referer = site_url('status_a', '/');
    my $limited = 0;
    for my $i (1 .. 300) {
        get_from('status_a', "$pixel?u=/flood-$i",
                 'User-Agent' => "Mozilla/5.0 (X11) Flood$i",
                 Referer => $referer);
    }
    my $s2 = status_of('status_a');
    my $flooded = grep { /flood/ } keys %{ pages_of($s2) };
    ok($s2->{today}{views} - $s1->{today}{views} <= 40,
       'the flood counts at most the limit (20 a minute; two minutes at most)')
        or diag $s2->{today}{views} - $s1->{today}{views};
    ok($flooded <= 40, "the flood took at most its allowance of page slots ($flooded)");

    is($real_get->('/real-after')->code, 200, 'the real visitor again');
    my $s3 = status_of('status_a');
    is($s3->{today}{uniques}, $s2->{today}{uniques},
       'still known: not unique again');
    ok(pages_of($s3)->{'/real-after'}, "the real visitor's new page has a slot");
    ok(pages_of($s3)->{'/real-before'}, 'and the earlier one is still there');

    my $log = Apache::Test::vars('t_logs') . '/consent_log';
    open my $fh, '<', $log or die "$log: $!";
    my $text = do { local $/; <$fh> };
    like($text, qr{pixel\.gif\?u=/flood-\d+ HTTP/1\.1" 200 \S+ pixel=limited},
         'the flood is answered (a GIF) but logged as pixel=limited');
}

# ---- choices and signals, counted anonymously ----
{
    my @same = ('Sec-Fetch-Site' => 'same-origin');
    my $choose = sub {
        my ($body) = @_;
        return post_from('status_b', '/consentgate/consent', @same,
                         content => $body,
                         'Content-Type' => 'application/x-www-form-urlencoded');
    };
    my $t0 = status_of('status_b')->{today};
    is($choose->('categories=tracking,analytics')->code, 204, 'accept all');
    $choose->('categories=tracking&categories=analytics');
    $choose->('categories=');
    $choose->('categories=analytics');
    post_from('status_b', '/consentgate/forget', @same);
    get_from('status_b', '/consentgate/forget', 'Sec-Fetch-Site' => 'cross-site');
    post_from('status_b', '/consentgate/forget', 'Sec-Fetch-Site' => 'cross-site');
    my $t1 = status_of('status_b')->{today};
    my %d = map { $_ => $t1->{$_} - $t0->{$_} }
        qw(accept_all reject_all custom withdraw);
    is_deeply(\%d, { accept_all => 2, reject_all => 1, custom => 1, withdraw => 1 },
              'each choice counted once; a cross-site forget counts nothing')
        or diag explain \%d;
    is(status_of('status_a')->{today}{accept_all}, 0, "not on another site's page");

    # an unsubscribe link (the mautic preset's revocation path) withdraws a
    # held consent: counted as a withdrawal; without a consent, nothing
    my $w0 = status_of('status_b')->{today}{withdraw};
    my $res = get_from('status_b', '/email/unsubscribe/abc',
                       Cookie => 'mautic_consent=1; mtc_id=5');
    like(join("\n", $res->header('Set-Cookie')), qr/mautic_consent=cg1\.\./,
         'the revocation path refuses the held consent');
    get_from('status_b', '/email/unsubscribe/abc', Cookie => 'mtc_id=5');
    is(status_of('status_b')->{today}{withdraw} - $w0, 1,
       'a revocation path that withdraws a consent counts one withdrawal');

    # a new visitor without a choice, with GPC; one with a choice and DNT
    my $c0 = status_of('status_b')->{today};
    get_from('status_b', $pixel, 'User-Agent' => 'Mozilla/5.0 (X11) NoChoice ' . rand(),
             'Sec-GPC' => '1');
    get_from('status_b', $pixel, 'User-Agent' => 'Mozilla/5.0 (X11) Chose ' . rand(),
             DNT => '1', Cookie => 'mautic_consent=1');
    my $c1 = status_of('status_b')->{today};
    is($c1->{no_choice} - $c0->{no_choice}, 1, 'a visitor without a choice yet');
    is($c1->{gpc} - $c0->{gpc}, 1, 'a visitor sending GPC');
    is($c1->{dnt} - $c0->{dnt}, 1, 'a visitor sending DNT');
    my $html = get_from('status_b', '/consentgate/status')->content;
    like($html, qr{<tr><th scope="row">$c1->{date}</th><td>$c1->{views}</td><td>$c1->{uniques}</td><td>$c1->{accept_all}</td><td>$c1->{reject_all}</td><td>$c1->{custom}</td><td>$c1->{withdraw}</td><td>$c1->{no_choice}</td><td>$c1->{gpc}</td><td>$c1->{dnt}</td>},
         "the HTML table has today's numbers");
}

done_testing();
