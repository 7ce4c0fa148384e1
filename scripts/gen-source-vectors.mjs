#!/usr/bin/env node
// Test vectors for the TCF and GPP readers (lib/cg_tcf.c, lib/cg_gpp.c),
// encoded by the IAB's own libraries (@iabtcf/core, @iabgpp/cmpapi) from
// chosen purposes, vendors, restrictions and opt-outs, written as a C
// header the unit tests include. Deterministic: run it again after an
// upgrade of either library and commit the output.
//
//   node scripts/gen-source-vectors.mjs > t/unit/vectors/source_vectors.h
import * as tcf from '@iabtcf/core';
import * as gpp from '@iabgpp/cmpapi';

const { TCModel, TCString, GVL, Segment, PurposeRestriction, RestrictionType } = tcf;

// A vendor list of our own: the encoder needs one, and keeps only the
// signals the listed vendors declared.
function vendorList(policyVersion) {
    const purposes = {};
    for (let i = 1; i <= 11; ++i) {
        purposes[i] = { id: i, name: `Purpose ${i}`, description: '', descriptionLegal: '' };
    }
    const vendors = {};
    const ids = [];
    for (let i = 1; i <= 20; ++i) ids.push(i);
    for (let i = 100; i <= 120; ++i) ids.push(i);
    ids.push(755, 1355);
    for (const id of ids) {
        vendors[id] = {
            id, name: `Vendor ${id}`,
            purposes: id === 3 ? [1] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            legIntPurposes: id === 3 ? [2, 7] : [],
            flexiblePurposes: id === 3 ? [2, 7] : [2, 3, 4, 5, 6, 7, 8, 9, 10],
            specialPurposes: [1, 2], features: [], specialFeatures: [1, 2],
            policyUrl: 'https://vendor.example/privacy',
        };
    }
    return {
        gvlSpecificationVersion: 3, vendorListVersion: 100, tcfPolicyVersion: policyVersion,
        lastUpdated: '2026-01-01T00:00:00Z', purposes,
        specialPurposes: { 1: { id: 1, name: 'SP1' }, 2: { id: 2, name: 'SP2' } },
        features: {}, specialFeatures: { 1: { id: 1, name: 'SF1' }, 2: { id: 2, name: 'SF2' } },
        stacks: {}, dataCategories: {}, vendors,
    };
}

function bitAt(b64, i) {
    const alpha = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const v = alpha.indexOf(b64[Math.floor(i / 6)]);
    return (v >> (5 - (i % 6))) & 1;
}

const ds = (iso) => Math.round(Date.parse(iso) / 100);

// name, dates, choices; `segments` as the CMP would write them
const tcfCases = [
    { name: 'bitfield', created: '2026-03-01T10:00:00Z', updated: '2026-03-02T11:30:00Z',
      purposes: [1, 2, 3, 4], vendors: [1, 2, 3, 5, 8, 13], li: [], specialFeatures: [],
      disclosed: true },
    { name: 'range', created: '2026-03-01T10:00:00Z', updated: '2026-03-01T10:00:00Z',
      purposes: [1, 7, 8, 9, 10], vendors: [2, 100, 101, 102, 103, 104, 105, 106, 107, 108,
      109, 110, 755, 1355], li: [3], specialFeatures: [1], disclosed: true },
    { name: 'reject_all', created: '2026-04-01T08:00:00Z', updated: '2026-04-01T08:00:00Z',
      purposes: [], vendors: [], li: [], specialFeatures: [], disclosed: true },
    { name: 'accept_all', created: '2026-04-01T08:00:00Z', updated: '2026-05-01T08:00:00Z',
      purposes: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], vendors: 'all', li: [],
      specialFeatures: [1, 2], disclosed: true },
    { name: 'restricted', created: '2026-03-10T00:00:00Z', updated: '2026-03-10T00:00:00Z',
      purposes: [1, 2, 3, 4], vendors: [2, 755], li: [], specialFeatures: [], disclosed: true,
      restrictions: [[755, 2, RestrictionType.NOT_ALLOWED], [755, 3, RestrictionType.REQUIRE_LI],
                     [2, 4, RestrictionType.REQUIRE_CONSENT]] },
    { name: 'tcf22_no_disclosed', created: '2025-06-01T00:00:00Z', updated: '2025-12-01T00:00:00Z',
      purposes: [1, 2], vendors: [755], li: [], specialFeatures: [], disclosed: false },
    { name: 'tcf23_without_disclosed', created: '2026-03-01T00:00:00Z', updated: '2026-03-01T00:00:00Z',
      purposes: [1, 2], vendors: [755], li: [], specialFeatures: [], disclosed: false },
    { name: 'stale', created: '2024-01-05T00:00:00Z', updated: '2024-01-05T00:00:00Z',
      purposes: [1, 2, 3, 4], vendors: [755], li: [], specialFeatures: [], disclosed: false },
    { name: 'policy_v2', created: '2026-03-01T00:00:00Z', updated: '2026-03-01T00:00:00Z',
      purposes: [1, 2], vendors: [755], li: [], specialFeatures: [], disclosed: true,
      policyVersion: 2 },
];

function encodeTcf(c) {
    const gvl = new GVL(vendorList(c.policyVersion ?? 5));
    const tc = new TCModel(gvl);
    tc.cmpId = 7;
    tc.cmpVersion = 3;
    tc.consentScreen = 2;
    tc.publisherCountryCode = 'DE';
    tc.isServiceSpecific = true;
    tc.purposeConsents.set(c.purposes);
    tc.specialFeatureOptins.set(c.specialFeatures);
    if (c.vendors === 'all') {
        tc.setAllVendorConsents();
    } else {
        tc.vendorConsents.set(c.vendors);
    }
    tc.vendorLegitimateInterests.set(c.li);
    for (const [v, p, t] of c.restrictions ?? []) {
        tc.publisherRestrictions.add(v, new PurposeRestriction(p, t));
    }
    tc.created = new Date(c.created);
    tc.lastUpdated = new Date(c.updated);
    const segments = c.disclosed ? [Segment.CORE, Segment.VENDORS_DISCLOSED] : [Segment.CORE];
    const str = TCString.encode(tc, { segments });
    // what the string says, as the library reads it back
    const back = TCString.decode(str);
    const list = (vec) => { const a = []; vec.forEach((on, id) => { if (on) a.push(id); }); return a; };
    const restrictions = [];
    for (let v = 1; v <= back.publisherRestrictions.getMaxVendorId(); ++v) {
        for (const pr of back.publisherRestrictions.getRestrictions(v)) {
            restrictions.push([v, pr.purposeId, pr.restrictionType]);
        }
    }
    return {
        name: c.name, str,
        created: Math.round(back.created.getTime() / 100),
        updated: Math.round(back.lastUpdated.getTime() / 100),
        cmpId: back.cmpId, cmpVersion: back.cmpVersion, policyVersion: back.policyVersion,
        vendorListVersion: back.vendorListVersion, consentLanguage: back.consentLanguage,
        publisherCC: back.publisherCountryCode, isServiceSpecific: back.isServiceSpecific ? 1 : 0,
        purposes: list(back.purposeConsents), specialFeatures: list(back.specialFeatureOptins),
        vendors: list(back.vendorConsents), li: list(back.vendorLegitimateInterests),
        disclosed: c.disclosed ? list(back.vendorsDisclosed) : null,
        maxVendorId: back.vendorConsents.maxId,
        isRange: bitAt(str.split('.')[0], 229),
        restrictions,
    };
}

const tcfVectors = tcfCases.map(encodeTcf);
const byName = Object.fromEntries(tcfVectors.map((v) => [v.name, v]));

// GPP: sections set field by field, the EU TCF section from a TC string
// made above
const gppCases = [
    { name: 'usnat_no_opt_out', usnat: { SaleOptOutNotice: 1, SharingOptOutNotice: 1,
      TargetedAdvertisingOptOutNotice: 1, SaleOptOut: 2, SharingOptOut: 2,
      TargetedAdvertisingOptOut: 2 } },
    { name: 'usnat_sale_opt_out', usnat: { SaleOptOutNotice: 1, SaleOptOut: 1, SharingOptOut: 2,
      TargetedAdvertisingOptOut: 2 } },
    { name: 'usnat_gpc', usnat: { SaleOptOut: 2, SharingOptOut: 2, TargetedAdvertisingOptOut: 2,
      GpcSegmentIncluded: true, Gpc: true } },
    { name: 'usnat_sensitive', usnat: { SaleOptOut: 2, SharingOptOut: 1, TargetedAdvertisingOptOut: 1,
      SensitiveDataProcessing: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 1],
      KnownChildSensitiveDataConsents: [1, 2, 0], PersonalDataConsents: 2 } },
    { name: 'tcf_only', tcf: 'range' },
    { name: 'tcf_and_usnat', tcf: 'bitfield', usnat: { SaleOptOut: 1, SharingOptOut: 1,
      TargetedAdvertisingOptOut: 1 }, usp: { Notice: 'Y', OptOutSale: 'Y', LspaCovered: 'N' } },
    { name: 'usp_and_state', usp: { Notice: 'Y', OptOutSale: 'N', LspaCovered: 'N' },
      usca: { SaleOptOut: 1, SharingOptOut: 1 } },
];

const USNAT_FIELDS = ['SharingNotice', 'SaleOptOutNotice', 'SharingOptOutNotice',
    'TargetedAdvertisingOptOutNotice', 'SensitiveDataProcessingOptOutNotice',
    'SensitiveDataLimitUseNotice', 'SaleOptOut', 'SharingOptOut', 'TargetedAdvertisingOptOut',
    'PersonalDataConsents', 'MspaCoveredTransaction', 'MspaOptOutOptionMode',
    'MspaServiceProviderMode'];

function encodeGpp(c) {
    const m = new gpp.GppModel();
    if (c.tcf) m.decodeSection('tcfeuv2', byName[c.tcf].str);
    for (const [k, v] of Object.entries(c.usnat ?? {})) m.setFieldValue('usnat', k, v);
    for (const [k, v] of Object.entries(c.usp ?? {})) m.setFieldValue('uspv1', k, v);
    for (const [k, v] of Object.entries(c.usca ?? {})) m.setFieldValue('usca', k, v);
    const str = m.encode();
    const back = new gpp.GppModel(str);
    const out = { name: c.name, str, ids: back.getSectionIds(), tcf: c.tcf ?? null };
    if (back.hasSection('usnat')) {
        out.usnat = {};
        for (const f of USNAT_FIELDS) out.usnat[f] = back.getFieldValue('usnat', f);
        out.usnat.Version = back.getFieldValue('usnat', 'Version');
        out.usnat.SensitiveDataProcessing = back.getFieldValue('usnat', 'SensitiveDataProcessing');
        out.usnat.KnownChildSensitiveDataConsents =
            back.getFieldValue('usnat', 'KnownChildSensitiveDataConsents');
        out.usnat.GpcPresent = back.getFieldValue('usnat', 'GpcSegmentIncluded') ? 1 : 0;
        out.usnat.Gpc = back.getFieldValue('usnat', 'Gpc') ? 1 : 0;
    }
    if (back.hasSection('uspv1')) out.usp = back.getSection('uspv1') && m.encodeSection('uspv1');
    return out;
}

const gppVectors = gppCases.map(encodeGpp);

// ---- the C header
const ints = (a) => `(const int[]){${[...a, 0].join(', ')}}`;
const q = (s) => JSON.stringify(s);
const lines = [];
lines.push('/* source_vectors.h: TC strings and GPP strings encoded by @iabtcf/core and');
lines.push(' * @iabgpp/cmpapi from chosen choices, with what they encode. Generated by');
lines.push(' * scripts/gen-source-vectors.mjs: do not edit, run it again. */');
lines.push('#ifndef CG_SOURCE_VECTORS_H');
lines.push('#define CG_SOURCE_VECTORS_H');
lines.push('');
lines.push('/* Lists end with 0; restrictions are (vendor, purpose, type) triples. */');
lines.push('typedef struct tcf_vector_t {');
lines.push('    const char *name;');
lines.push('    const char *tc;');
lines.push('    long long created_ds, last_updated_ds;');
lines.push('    int cmp_id, cmp_version, policy_version, vendor_list_version;');
lines.push('    const char *consent_language, *publisher_cc;');
lines.push('    int is_service_specific;');
lines.push('    const int *purposes, *special_features, *vendors, *vendors_li;');
lines.push('    int has_disclosed;');
lines.push('    const int *disclosed;');
lines.push('    int max_vendor_id, is_range;');
lines.push('    const int *restrictions;');
lines.push('} tcf_vector_t;');
lines.push('');
lines.push('static const tcf_vector_t tcf_vectors[] = {');
for (const v of tcfVectors) {
    lines.push(`    {${q(v.name)},`);
    lines.push(`     ${q(v.str)},`);
    lines.push(`     ${v.created}LL, ${v.updated}LL, ${v.cmpId}, ${v.cmpVersion}, ${v.policyVersion}, ${v.vendorListVersion},`);
    lines.push(`     ${q(v.consentLanguage)}, ${q(v.publisherCC)}, ${v.isServiceSpecific},`);
    lines.push(`     ${ints(v.purposes)}, ${ints(v.specialFeatures)},`);
    lines.push(`     ${ints(v.vendors)},`);
    lines.push(`     ${ints(v.li)},`);
    lines.push(`     ${v.disclosed ? 1 : 0}, ${ints(v.disclosed ?? [])},`);
    lines.push(`     ${v.maxVendorId}, ${v.isRange}, ${ints(v.restrictions.flat())}},`);
}
lines.push('};');
lines.push('');
lines.push('typedef struct gpp_vector_t {');
lines.push('    const char *name;');
lines.push('    const char *gpp;');
lines.push('    const int *ids;');
lines.push('    const char *tcf;          /* name of the TCF vector in section 2 */');
lines.push('    int has_usnat;');
lines.push('    int usnat_version;');
lines.push('    int usnat[13];            /* SharingNotice ... MspaServiceProviderMode */');
lines.push('    const int *sensitive, *known_child;');
lines.push('    int gpc_present, gpc;');
lines.push('    const char *usp;');
lines.push('} gpp_vector_t;');
lines.push('');
lines.push('static const gpp_vector_t gpp_vectors[] = {');
for (const v of gppVectors) {
    const u = v.usnat;
    lines.push(`    {${q(v.name)},`);
    lines.push(`     ${q(v.str)},`);
    lines.push(`     ${ints(v.ids)}, ${v.tcf ? q(v.tcf) : 'NULL'},`);
    if (u) {
        lines.push(`     1, ${u.Version}, {${USNAT_FIELDS.map((f) => u[f]).join(', ')}},`);
        lines.push(`     (const int[]){${u.SensitiveDataProcessing.join(', ')}},`);
        lines.push(`     (const int[]){${u.KnownChildSensitiveDataConsents.join(', ')}},`);
        lines.push(`     ${u.GpcPresent}, ${u.Gpc},`);
    } else {
        lines.push('     0, 0, {0}, NULL, NULL, 0, 0,');
    }
    lines.push(`     ${v.usp ? q(v.usp) : 'NULL'}},`);
}
lines.push('};');
lines.push('');
lines.push('#endif /* CG_SOURCE_VECTORS_H */');
process.stdout.write(lines.join('\n') + '\n');
