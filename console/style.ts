// Phone first: one column, big tap targets, system fonts, nothing fetched beyond the page itself. Wide tables widen <main class="wide">.
/** Every page's one stylesheet, inline; the Content-Security-Policy allows it by its hash. */
export const PAGE_STYLE = `*{box-sizing:border-box}body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1d2327;background:#f5f6f7}
@media (max-width:40rem){body{font-size:17px}}main{max-width:34rem;margin:0 auto;padding:.8rem}main.wide{max-width:60rem}
h1{font-size:1.3rem;margin:.4rem 0}h2{font-size:1.05rem;margin:1.1rem 0 .3rem}a{color:#1d4ed8}nav{display:flex;flex-wrap:wrap;gap:.2rem 1rem;font-size:.95rem}
input,select,textarea,button,.btn,a.button{font:inherit;padding:.6rem;border-radius:.45rem;border:1px solid #8c8f94;width:100%;margin:.25rem 0;background:#fff}
textarea{min-height:5rem}button,.btn,a.button{background:#1d4ed8;color:#fff;border:0;display:block;text-align:center;text-decoration:none;cursor:pointer}
button.alt,.btn.alt{background:#50575e}button.deny{background:#b32d2e}button.second,a.button.second{background:#fff;color:#1d4ed8;border:1px solid #1d4ed8}
button.link{background:none;color:#1d4ed8;padding:.3rem;width:auto;text-decoration:underline}button.small,button.inline{width:auto;padding:.4rem .8rem}
label{display:block;margin:.4rem 0}input[type=checkbox],input[type=radio]{width:auto;margin:0 .4rem 0 0;transform:scale(1.3)}label.c{display:flex;align-items:center;padding:.45rem 0}
.card{background:#fff;border:1px solid #dcdcde;border-radius:.55rem;padding:.75rem;margin:.7rem 0}.now{border:2px solid #1d4ed8}
.muted,.note{color:#50575e}.muted{font-size:.92rem}.err{color:#b32d2e;font-weight:600}.ok{color:#00702a;font-weight:600}
.warn{background:#fff4d6;padding:.5rem;border-radius:.4rem}ul.warn{color:#8a4b00;padding-left:1.5rem}
.row{display:flex;gap:.5rem;align-items:center}.row>*{flex:1;min-width:0}.row select{min-width:0;flex:1 1 auto}.row>button.small{flex:0 0 auto;margin-left:auto}.n{max-width:5.5rem}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:.35rem .2rem;border-bottom:1px solid #dcdcde;vertical-align:top}.r,td.num{text-align:right}td.num{white-space:nowrap}
pre{white-space:pre-wrap;word-break:break-word;font-size:.85rem;background:#f5f6f7;padding:.5rem}.total{font-size:1.1rem}
.perm{padding:.6rem;margin:.5rem 0}.perm p,.perm form{margin:.2rem 0}ul.rules{padding-left:1.1rem}
.wide td form{display:inline}.wide td input,.wide td button{width:auto;margin:.1rem 0;padding:.3rem}
.steps{display:flex;gap:.25rem;font-size:.8rem;margin:.3rem 0}.steps span{flex:1;text-align:center;padding:.2rem;border-radius:.3rem;background:#dcdcde}
.steps .d{background:#b8e6c4}.steps .a{background:#1d4ed8;color:#fff}#offline{display:none}
.pager{justify-content:space-between;margin:.3rem 0}.month th,.month td{text-align:center;padding:.3rem 0;width:14.28%}
.month td a{display:block;font-weight:600}.month small{display:block;font-size:.8rem;color:#50575e}.month .today{outline:2px solid #1d4ed8}
form.find{margin:.3rem 0 .2rem}form.find input{margin:0}
.cal{display:flex;flex-wrap:wrap;gap:0 .5rem;align-items:flex-end}.cal label{flex:1 1 7rem;margin:0}.cal button{flex:1 1 100%}
ul.home{padding-left:1.2rem;margin:.3rem 0}ul.home li{margin:.3rem 0}
.chart{display:block;width:100%;height:auto;margin:.6rem 0}.chart text{font-size:13px;fill:#1d2327}.chart .b{fill:#1d4ed8}.chart .c{stroke:#50575e}.sales small{display:block;color:#50575e}.sales th{overflow-wrap:anywhere}
.tabs{margin:.5rem 0}.tabs a[aria-current]{font-weight:700;color:#1d2327;text-decoration:none}.fe{display:block;font-weight:400}.pre{white-space:pre-wrap;overflow-wrap:anywhere}
.facts dt{font-weight:600}.facts dd{margin:0 0 .3rem}.days{display:flex;flex-wrap:wrap;gap:0 1rem}.card,.wrap,.lines td,.facts dd{overflow-wrap:anywhere}
ul.customers,ul.history{list-style:none;padding:0}ul.customers,.cust{overflow-wrap:anywhere}ul.history li{margin:.35rem 0}.filters .row{flex-wrap:wrap}.filters .row>label{min-width:6.5rem}
a.slot{display:inline-block;padding:.35rem .6rem;margin:.15rem 0;border:1px solid #1d4ed8;border-radius:.4rem;text-decoration:none}
ul.more,ul.vars{padding-left:1.1rem}ul.more li{margin:.45rem 0}ul.vars{font-size:.9rem}ul.vars code{word-break:break-all}
@media (max-width:40rem){table.stack tr:first-child{display:none}table.stack tr{display:block;border-bottom:1px solid #dcdcde;padding:.3rem 0}table.stack td{display:block;border:0;padding:.1rem 0}.wide table.stack td form{display:block}}
.hits{list-style:none;padding:0;margin:.4rem 0}.hits li{padding:.45rem 0;border-bottom:1px solid #dcdcde;overflow-wrap:anywhere}.hits a,.hits b{font-weight:600}.hits small{display:block;color:#50575e}.hits a:focus{outline:3px solid #1d4ed8}
ul.docs{list-style:none;padding:0}ul.docs li{display:flex;gap:.6rem;align-items:center;margin:.45rem 0;overflow-wrap:anywhere}ul.docs li>span{min-width:0}ul.docs img{width:4rem;height:4rem;object-fit:cover;border-radius:.3rem;flex:0 0 4rem}
.hp{display:none}
header.business{display:flex;gap:.7rem;align-items:center;margin:.5rem 0;overflow-wrap:anywhere}header.business>div{min-width:0}header.business img.logo{max-width:6rem;max-height:4rem;object-fit:contain}
.pay{background:#fff;border:2px solid #1d4ed8;border-radius:.55rem;padding:.1rem .75rem .5rem;margin:.7rem 0;overflow-wrap:anywhere}.pay h3{font-size:1rem;margin:.8rem 0 .2rem}
.said{border-left:4px solid #8c8f94;padding:.1rem .75rem;margin:.9rem 0}.said h2{font-size:.95rem;color:#50575e}`
