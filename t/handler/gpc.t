# gpc.json: the Global Privacy Control support resource.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../lib";
use Test::More;
use JSON::PP ();
use CG;

for my $path ('/.well-known/gpc.json', '/consentgate/gpc.json') {
    my $res = get_from('gate', $path);
    is($res->code, 200, "$path: 200");
    is($res->header('Content-Type'), 'application/json', "$path: application/json");
    my $doc = eval { JSON::PP::decode_json($res->content) };
    ok($doc && JSON::PP::is_bool($doc->{gpc}) && $doc->{gpc}, "$path: gpc is true");
    # lastUpdate is optional in the GPC specification and means the date of
    # the site's statement: without ConsentGPCLastUpdate there is none
    ok($doc && !exists $doc->{lastUpdate}, "$path: no lastUpdate unless configured");
    is_deeply([ sort keys %{ $doc || {} } ], [ 'gpc' ], "$path: nothing else");
    is_deeply([ cookie_names($res) ], [], "$path: no cookie");
}

my $doc = JSON::PP::decode_json(get_from('gate', '/nogpc/gpc.json')->content);
ok(!$doc->{gpc}, 'gpc is false where ConsentSignals leaves GPC out');

$doc = JSON::PP::decode_json(get_from('strict', '/privacy/gpc.json')->content);
is($doc->{lastUpdate}, '2026-11-01', 'ConsentGPCLastUpdate');
is_deeply([ sort keys %$doc ], [ 'gpc', 'lastUpdate' ], 'and then both members');

is(post_from('gate', '/.well-known/gpc.json')->code, 405, 'POST is not allowed');
is(get_from('gate', '/consentgate/nothing')->code, 404, 'an unknown endpoint is 404');
is(head_from('gate', '/.well-known/gpc.json')->code, 200, 'HEAD');

done_testing();
