/**
 * Handlebars templates of the guest emails: one HTML and one plain-text body for every
 * type and language (the words come from i18n.ts). Kept in a TypeScript module so the build
 * ships them without a copy step.
 */
export const HTML_TEMPLATE = `<!doctype html>
<html lang="{{lang}}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{subject}}</title></head>
<body style="margin:0;padding:24px;background:#f5f5f4;font-family:Arial,Helvetica,sans-serif;color:#1c1917">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
<h1 style="font-size:22px;margin:0 0 16px">{{heading}}</h1>
<p>{{greeting}}</p>
<p>{{intro}}</p>
<table role="presentation" style="width:100%;border-collapse:collapse;margin:16px 0">
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.code}}</th><td style="padding:6px 0;font-size:18px;letter-spacing:2px"><strong>{{code}}</strong></td></tr>
<tr><th style="text-align:left;padding:6px 8px 6px 0;vertical-align:top">{{labels.hotel}}</th><td style="padding:6px 0">{{hotelName}}{{#each addressLines}}<br>{{this}}{{/each}}</td></tr>
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.checkIn}}</th><td style="padding:6px 0">{{checkIn}}</td></tr>
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.checkOut}}</th><td style="padding:6px 0">{{checkOut}}</td></tr>
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.nights}}</th><td style="padding:6px 0">{{nights}}</td></tr>
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.roomType}}</th><td style="padding:6px 0">{{roomType}}</td></tr>
{{#if ratePlan}}<tr><th style="text-align:left;padding:6px 8px 6px 0">{{rates.ratePlan}}</th><td style="padding:6px 0">{{ratePlan}}</td></tr>{{/if}}
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.rooms}}</th><td style="padding:6px 0">{{rooms}}</td></tr>
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.guests}}</th><td style="padding:6px 0">{{guests}}</td></tr>
{{#if nightly}}<tr><th style="text-align:left;padding:6px 8px 6px 0;vertical-align:top">{{nightlyLabel}}</th><td style="padding:6px 0">{{#each nightly}}{{#unless @first}}<br>{{/unless}}{{this.date}}: {{this.price}}{{/each}}</td></tr>{{/if}}
<tr><th style="text-align:left;padding:6px 8px 6px 0">{{labels.total}}</th><td style="padding:6px 0"><strong>{{total}}</strong></td></tr>
{{#if fee}}<tr><th style="text-align:left;padding:6px 8px 6px 0">{{fee.label}}</th><td style="padding:6px 0"><strong>{{fee.amount}}</strong></td></tr>{{/if}}
{{#if previous}}<tr><th style="text-align:left;padding:6px 8px 6px 0;color:#78716c">{{labels.previously}}</th><td style="padding:6px 0;color:#78716c">{{previous}}</td></tr>{{/if}}
</table>
{{#if terms}}<h2 style="font-size:16px;margin:16px 0 8px">{{terms.heading}}</h2>
<ul style="margin:0 0 16px;padding-left:20px">{{#each terms.lines}}<li>{{this}}</li>{{/each}}</ul>{{/if}}
<p><a href="{{manageUrl}}" style="display:inline-block;background:#1d4ed8;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none">{{manage}}</a></p>
<p style="color:#57534e;font-size:13px">{{manageHint}}</p>
{{#unless cancelled}}<p>{{closing}}</p>{{/unless}}
<p style="color:#57534e;font-size:13px">{{calendar}}</p>
<p style="color:#57534e;font-size:13px">{{hotelName}}{{#if hotelEmail}} — <a href="mailto:{{hotelEmail}}">{{hotelEmail}}</a>{{/if}}</p>
</div>
</body>
</html>
`;

export const TEXT_TEMPLATE = `{{heading}}

{{greeting}}

{{intro}}

{{labels.code}}: {{code}}
{{labels.hotel}}: {{hotelName}}
{{#each addressLines}}  {{this}}
{{/each}}
{{labels.checkIn}}: {{checkIn}}
{{labels.checkOut}}: {{checkOut}}
{{labels.nights}}: {{nights}}
{{labels.roomType}}: {{roomType}}
{{#if ratePlan}}{{rates.ratePlan}}: {{ratePlan}}
{{/if}}{{labels.rooms}}: {{rooms}}
{{labels.guests}}: {{guests}}
{{#if nightly}}{{nightlyLabel}}:
{{#each nightly}}  {{this.date}}: {{this.price}}
{{/each}}{{/if}}{{labels.total}}: {{total}}
{{#if fee}}{{fee.label}}: {{fee.amount}}
{{/if}}{{#if previous}}{{labels.previously}}: {{previous}}
{{/if}}
{{#if terms}}

{{terms.heading}}:
{{#each terms.lines}}- {{this}}
{{/each}}

{{/if}}{{manage}}: {{manageUrl}}
{{manageHint}}
{{#unless cancelled}}
{{closing}}
{{/unless}}
{{calendar}}

{{hotelName}}{{#if hotelEmail}} — {{hotelEmail}}{{/if}}
`;
