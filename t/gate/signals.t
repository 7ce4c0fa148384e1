# Opt-out signals: Sec-GPC exactly "1" (any of several fields), DNT "1",
# which ones are honoured, and which wins against an explicit consent.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use CG;

my @tracking = TRACKING;
my $all = [ sort @tracking ];

sub tracking_at {
    my ($path, @headers) = @_;
    return [ sort(tracking_names(get_from('gate', $path, @headers))) ];
}

my @consent = (Cookie => 'mautic_consent=1');
for my $v ('1', ' 1 ', "1\t") {
    is_deeply(tracking_at('/cgi/mtracking.gif', @consent, 'Sec-GPC' => $v), [],
              "Sec-GPC '$v' is an opt-out");
}
for my $v ('0', '11', 'true', 'yes', '1x', '') {
    is_deeply(tracking_at('/cgi/mtracking.gif', @consent, 'Sec-GPC' => $v), $all,
              "Sec-GPC '$v' is not");
}
for my $v ('1', '1;ext', ' 1') {
    is_deeply(tracking_at('/cgi/mtracking.gif', @consent, DNT => $v), [],
              "DNT '$v' is an opt-out");
}
for my $v ('0', 'null', 'unspecified') {
    is_deeply(tracking_at('/cgi/mtracking.gif', @consent, DNT => $v), $all,
              "DNT '$v' is not");
}

# several Sec-GPC fields: httpd merges them, and any "1" counts
{
    my $res = raw_request('gate', "GET /cgi/mtracking.gif HTTP/1.0\nHost: localhost\n"
        . "Cookie: mautic_consent=1\nSec-GPC: 0\nSec-GPC: 1\n\n");
    is_deeply([ tracking_names($res) ], [], 'Sec-GPC: 0 then Sec-GPC: 1 is an opt-out');
}

# ConsentSignals
is_deeply(tracking_at('/nosignals/mtracking.gif', @consent, 'Sec-GPC' => '1',
                      DNT => '1'), $all, 'ConsentSignals none ignores both');
is_deeply(tracking_at('/gpconly/mtracking.gif', @consent, DNT => '1'), $all,
          'ConsentSignals gpc ignores DNT');
is_deeply(tracking_at('/gpconly/mtracking.gif', @consent, 'Sec-GPC' => '1'), [],
          'ConsentSignals gpc honours GPC');
is_deeply(tracking_at('/nosignals/mtracking.gif', 'Sec-GPC' => '1'), [],
          'no signal honoured is still no consent');

# ConsentSignalPrecedence consent: an explicit grant beats the signal,
# nothing else does
is_deeply(tracking_at('/consentwins/mtracking.gif', @consent, 'Sec-GPC' => '1'),
          $all, 'precedence consent: a grant beats GPC');
is_deeply(tracking_at('/consentwins/mtracking.gif', @consent, DNT => '1'),
          $all, 'precedence consent: a grant beats DNT');
is_deeply(tracking_at('/consentwins/mtracking.gif', 'Sec-GPC' => '1'), [],
          'precedence consent: no consent stays no consent');
is_deeply(tracking_at('/consentwins/mtracking.gif',
                      Cookie => 'mautic_consent=1; mautic_consent=0',
                      'Sec-GPC' => '1'), [],
          'precedence consent: a conflicting consent is none');
like(get_from('gate', '/consentwins/echo', @consent, 'Sec-GPC' => '1')->content,
     qr/^consent-state: granted$/m, 'precedence consent: the backend is told granted');

done_testing();
