#!/usr/bin/env node
// bench/tc-string.mjs: prints a TC string of about 300 characters, as a
// CMP with a large vendor list writes it, encoded by the IAB's own
// library (@iabtcf/core): every purpose consented, a consent for every
// third vendor of 1..1500 (a bitfield), a disclosed-vendors segment;
// created now, so that it is within ConsentMaxAge whenever the benchmark
// runs. `node bench/tc-string.mjs [refuse]`: with "refuse", no purpose.
import { TCModel, TCString, GVL, Segment } from '@iabtcf/core';

const refuse = process.argv[2] === 'refuse';
const purposes = {};
for (let i = 1; i <= 11; ++i) {
    purposes[i] = { id: i, name: `Purpose ${i}`, description: '', descriptionLegal: '' };
}
const vendors = {};
for (let id = 1; id <= 1500; ++id) {
    vendors[id] = {
        id, name: `Vendor ${id}`, purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
        legIntPurposes: [], flexiblePurposes: [], specialPurposes: [], features: [],
        specialFeatures: [], policyUrl: 'https://vendor.example/privacy',
    };
}
const gvl = new GVL({
    gvlSpecificationVersion: 3, vendorListVersion: 100, tcfPolicyVersion: 5,
    lastUpdated: '2026-01-01T00:00:00Z', purposes, specialPurposes: {}, features: {},
    specialFeatures: {}, stacks: {}, dataCategories: {}, vendors,
});
const tc = new TCModel(gvl);
tc.cmpId = 7;
tc.cmpVersion = 3;
tc.consentScreen = 2;
tc.publisherCountryCode = 'DE';
tc.isServiceSpecific = true;
if (!refuse) {
    tc.purposeConsents.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    for (let id = 1; id <= 1500; id += 3) {
        tc.vendorConsents.set(id);
    }
}
tc.created = tc.lastUpdated = new Date();
process.stdout.write(TCString.encode(tc, { segments: [Segment.CORE, Segment.VENDORS_DISCLOSED] }));
