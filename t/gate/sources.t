# ConsentSource: the gate follows the consent other banners store, per
# category and with each banner's own "the visitor chose" rule; the first
# source with an explicit choice decides, a later refusal takes a category
# away, anything stale, implied or malformed is no consent.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use POSIX qw(strftime);
use URI::Escape qw(uri_escape);
use CG;

my $ms = (time - 60) * 1000;

sub cookiebot {
    my (%c) = @_;
    my $method = delete $c{method} // 'explicit';
    my $utc = delete $c{utc} // $ms;
    my $v = "{stamp:'x',necessary:true,preferences:false,"
          . join(',', map { "$_:" . ($c{$_} ? 'true' : 'false') } sort keys %c)
          . ",method:'$method',ver:1,utc:$utc,region:'de'}";
    return 'CookieConsent=' . uri_escape($v);
}

sub onetrust {
    my ($groups, $interactions) = @_;
    my $date = strftime('%a %b %d %Y %H:%M:%S', gmtime(time - 60)) . ' GMT+0000 (UTC)';
    return 'OptanonConsent=isGpcEnabled=0&datestamp=' . uri_escape($date)
        . "&interactionCount=$interactions&groups=" . uri_escape($groups);
}

sub tracked {
    my ($path, $cookie) = @_;
    return scalar tracking_names(get_from('sources', $path, Cookie => $cookie));
}

sub told {
    my ($path, $cookie) = @_;
    my $c = get_from('sources', $path, Cookie => $cookie)->content;
    my %e = map { /^([\w-]+): ?(.*)$/ ? ($1 => $2) : () } split /\n/, $c;
    return \%e;
}

# Cookiebot: marketing grants the mautic preset's tracking
my $yes = cookiebot(statistics => 1, marketing => 1);
my $no = cookiebot(statistics => 1, marketing => 0);
is(tracked('/cgi/mtracking.gif', $yes), 3, 'Cookiebot marketing: tracking cookies pass');
is(tracked('/cgi/mtracking.gif', $no), 0, 'Cookiebot without marketing: none');
is(tracked('/cgi/mtracking.gif', cookiebot(marketing => 1, method => 'implied')), 0,
   'Cookiebot implied consent: none');
is(tracked('/cgi/mtracking.gif', cookiebot(marketing => 1, utc => ($ms - 400 * 86400 * 1000))), 0,
   'Cookiebot consent older than ConsentMaxAge: none');
is(tracked('/cgi/mtracking.gif', 'CookieConsent=-1'), 0, 'Cookiebot -1: none');
my $e = told('/cgi/echo', $yes);
is($e->{env}, 'granted', 'the decision is granted');
is($e->{source}, 'cookiebot', 'CONSENTGATE_SOURCE names the banner');
like($e->{cookie}, qr/CookieConsent=/, 'the banner\'s own cookie reaches the app');

# OneTrust: C0004 is targeting; interactionCount 0 is no explicit choice
is(tracked('/cgi/mtracking.gif', onetrust('C0001:1,C0004:1', 2)), 3,
   'OneTrust C0004: tracking cookies pass');
is(tracked('/cgi/mtracking.gif', onetrust('C0001:1,C0004:0', 2)), 0,
   'OneTrust without C0004: none');
is(tracked('/cgi/mtracking.gif', onetrust('C0001:1,C0004:1', 0)), 0,
   'OneTrust without an interaction: none');

# precedence: Cookiebot's explicit choice decides before OneTrust's
is(tracked('/cgi/mtracking.gif', "$no; " . onetrust('C0004:1', 2)), 0,
   'Cookiebot refuses, OneTrust grants: refused (the first source decides)');
is(told('/cgi/echo', "$no; " . onetrust('C0004:1', 2))->{source}, 'cookiebot',
   '... and Cookiebot is named');
# a later refusal takes a grant away, never the reverse
is(tracked('/cgi/mtracking.gif', "$yes; " . onetrust('C0004:0', 2)), 0,
   'Cookiebot grants, OneTrust refuses: refused');
is(tracked('/cgi/mtracking.gif', "$yes; mautic_consent=0"), 0,
   'Cookiebot grants, our own cookie refuses: refused');
# no banner chose: our own cookie
is(tracked('/cgi/mtracking.gif', 'mautic_consent=1'), 3, 'own consent still counts');
is(told('/cgi/echo', 'mautic_consent=1')->{source}, 'own', '... named own');
is(told('/cgi/echo', 'shop=1')->{source}, '', 'no choice anywhere: no source');

# GPC still wins
is(tracked('/cgi/mtracking.gif', $yes, ), 3, 'sanity');
is(scalar tracking_names(get_from('sources', '/cgi/mtracking.gif', Cookie => $yes,
                                  'Sec-GPC' => '1')), 0, 'GPC beats the banner\'s consent');

# ConsentSourceMap replaces the preset's lines for that source
is(tracked('/tcfmap/mtracking.gif', $no), 3,
   'ConsentSourceMap cookiebot statistics tracking: statistics grants here');
is(tracked('/tcfmap/mtracking.gif', cookiebot(statistics => 0, marketing => 1)), 0,
   '... and marketing no longer does');

done_testing();
