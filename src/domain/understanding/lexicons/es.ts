/**
 * Spanish (es-419) lexicon: neutral Latin American Spanish plus Mexican, Colombian, Argentine,
 * Chilean and Peruvian phrasing. Patterns match normalized text (no accents, ñ as n).
 */
import type { Lexicon } from './lexicon.js';

const payVerbs =
  'pag(?:o|are|aria|amos)|deposit(?:o|are|aria|amos)|consign(?:o|are|aria)|transfier(?:o|a)|' +
  'transferire|cancel(?:o|are|aria)|abon(?:o|are|aria)|liquid(?:o|are)|yape(?:o|are)|plineo|giro|' +
  'mando|te lo (?:mando|paso|deposito)|salde|saldare';

/** Spanish lexicon, es-419. */
export const es: Lexicon = {
  greet: [
    [
      0.75,
      'hola|holi|buen(?:os|as)? (?:dias|tardes|noches)|buen dia|buenas|wenas?|quiubo|quihubo|quiubole',
    ],
    [0.6, 'que tal|que onda|saludos|emoji_wave|alo|hey|como (?:esta|estas|estan|le va|te va)'],
    [0.6, 'feliz (?:ano|navidad|dia)|buen (?:finde|fin de semana)'],
  ],
  affirm: [
    [
      0.75,
      '^(?:si|sip|sisas|simon|claro|dale|sale|va|vale|ok|okas|listo|bueno|orale|ya|correcto|exacto|perfecto|obvio|joya|demas|bacan|genial|confirmo|afirmativo|seguro|de una|de acuerdo|esta bien|por supuesto|me parece|me sirve|hecho|emoji_yes|ya po|ya pues|arre|chido|va que va|cierto|asi es|eso|chevere|bien)(?: (?:si|claro|dale|de una|ok|ya|po|pues|obvio|senor|senora|senorita|por favor|esta bien|correcto|me parece|demas|listo|bueno|perfecto|va|sale|vale|emoji_yes|de acuerdo|joya|genial|hecho))*$',
    ],
    [0.5, '^(?:si|claro|dale|ok|listo|va|sale|bueno|de acuerdo|esta bien|perfecto)'],
    [0.3, 'si|claro que si|de acuerdo|esta bien|emoji_yes|me parece bien|acepto'],
  ],
  deny: [
    [
      0.75,
      '^(?:no|nop|nope|nel|nones|nah|negativo|para nada|ni en pedo|ni loco|ni modo|de ninguna manera|jamas|nunca|no gracias|no puedo|tampoco|emoji_no|no po|no pues|no senor|no senora|no senorita|no quiero|no me interesa|no me sirve|no acepto|no estoy de acuerdo)',
    ],
    [0.3, 'no (?:me sirve|me conviene|acepto|me interesa)|no gracias'],
  ],
  thanks: [
    [
      0.8,
      'gracias|agradezco|agradecid[oa]|dios (?:le|te|les) (?:pague|bendiga)|muy amable|se agradece',
    ],
    [0.35, 'emoji_please|emoji_love'],
  ],
  goodbye: [
    [
      0.75,
      'chao|adios|hasta (?:luego|pronto|manana|la proxima)|nos vemos|que (?:este|estes|esten) bien|cuidese|cuidate|bendiciones|nos hablamos|buen dia para usted',
    ],
    [
      0.75,
      '(?:luego|despues|mas tarde|ahorita) (?:te|le|les) (?:escribo|hablo|aviso|contesto|marco)|(?:te|le|les) (?:escribo|hablo|aviso|contesto) (?:luego|despues|mas tarde|manana)|hablamos (?:luego|despues|manana|mas tarde)',
    ],
  ],
  ask_balance: [
    [
      0.85,
      'cuanto (?:es|seria|sale|me sale|le debo|te debo|les debo|debo|tengo que pagar|hay que pagar|va|esta|da|adeudo|es lo que debo|es la deuda|debia|quedo debiendo|falta)',
    ],
    [
      0.8,
      'cuanto (?:dinero|plata|lana|guita|pesos|soles)|cuanta (?:plata|guita|lana|deuda)|cuanto debo|cuanto.*(?:debo|deuda|saldo|adeudo|pagar|liquidar|ponerme al dia)',
    ],
    [
      0.85,
      '(?:mi|el|cual es (?:el|mi)|me (?:puede|pueden|podria) decir (?:el|mi)|consultar (?:el|mi)) saldo|saldo (?:actual|total|pendiente)|cual es mi deuda|(?:mi|la) deuda (?:actual|total)',
    ],
    [
      0.8,
      'a cuanto (?:asciende|llega|sube)|en cuanto (?:va|esta|queda)|monto (?:total|de la deuda|adeudado|a pagar)|total a pagar|^cuanto$|^cuanto es$|(?:que|cual) saldo',
    ],
    [
      0.5,
      'saldo|deuda total|monto|valor (?:total|de la deuda|a pagar|pendiente)|pendiente|total de la deuda',
    ],
  ],
  ask_details: [
    [
      0.85,
      'de (?:que|quien|donde) (?:es|son|viene|sale) (?:la|esta|esa|el|este|ese|lo)? ?(?:deuda|adeudo|cobro|credito|cuenta|cargo|monto|saldo)',
    ],
    [
      0.8,
      'de (?:que|cual) (?:tienda|tarjeta|credito|casa comercial|banco|producto|compra|servicio|prestamo|deuda|cuenta|entidad)',
    ],
    [
      0.7,
      'de que (?:es|se trata|son)|a que (?:corresponde|se debe)|(?:el|un|mas) detalle|detalles? de (?:la|mi) deuda|origen de la deuda|desglose',
    ],
    [
      0.7,
      '(?:por que|porque) (?:me cobran|subio|tanto|es tan|aumento|tengo que pagar|debo)|por que me (?:cobran|aparece)|(?:que|cuales) (?:intereses|cargos)',
    ],
    [0.6, 'que (?:producto|es ese|es eso|es esto)|no entiendo|de donde (?:sale|salio|viene)'],
    [0.3, 'intereses|no me acuerdo|no recuerdo|que deuda|de que empresa'],
  ],
  ask_how_to_pay: [
    [
      0.85,
      'como (?:pago|le pago|te pago|les pago|puedo pagar|hago para pagar|le hago para pagar|le hago|se paga|pagar|hago el pago|realizo el pago|deposito|transfiero|consigno|hago)',
    ],
    [
      0.8,
      '(?:donde|a donde|adonde|en donde) (?:pago|puedo pagar|deposito|consigno|transfiero|le pago|se paga)|(?:a que|que|cual) (?:cuenta|numero de cuenta|clabe|cbu|alias)',
    ],
    [
      0.8,
      'numero de cuenta|cuenta (?:para|bancaria|de ahorros)|datos (?:para|de) (?:transferir|transferencia|pago|deposito|la cuenta|pagar)|link (?:de|para) pag\\w*|enlace de pago|medios de pago|formas? de pago',
    ],
    [
      0.75,
      '(?:pasa|pasame|paseme|manda|mandame|me manda|me pasa|me envia|envie|me dan|me da|dame|deme) (?:los|el|la|las)? ?(?:datos|cuenta|cbu|cvu|alias|clabe|link|enlace|numero de cuenta)',
    ],
    [-0.6, 'no (?:tengo|tenemos|hay) (?:como|con que|para)'],
    [
      0.6,
      'se puede (?:pagar|consignar|depositar|transferir) (?:en|con|por|a)|puedo pagar (?:en|con|por)(?! (?:cuotas|partes|abonos|plazos|mensualidades|\\d))|aceptan|reciben',
    ],
    [
      0.45,
      'nequi|daviplata|oxxo|oxo|spei|clabe|mercado ?pago|cbu|cvu|yape|plin|pse|efecty|baloto|caja vecina|servipag|webpay|rapipago|pago ?facil|bancolombia|bcp|interbank|transferencia bancaria|tarjeta de credito|efectivo',
    ],
  ],
  ask_plan: [
    [
      0.85,
      '(?:plan|planes|acuerdo|convenio|facilidad(?:es)?|opcion(?:es)?|arreglo) (?:de|para) pag\\w*',
    ],
    [
      0.8,
      'refinanci\\w*|repact\\w*|reprogram\\w*|fraccion\\w*|difer(?:ir|irlo|irla|ido)|parcializ\\w*|reestructur\\w*|negociar',
    ],
    [
      0.75,
      '(?:pagar|pagarlo|pagarla|pago) (?:en|por|a) (?:cuotas|partes|abonos|plazos|mensualidades)|(?:en|por|a) (?:cuotas|cuotitas|abonos|abonitos|plazos|mensualidades)|chance de pagar|pagar de a poco|pagar poco a poco|(?:se|me) (?:puede|pueden) (?:dar|hacer) (?:un )?(?:plan|acuerdo)',
    ],
    [0.6, 'plazos?|arreglo|poco a poco|de a poco|por partes|en partes|ir pagando'],
    [0.4, 'acuerdo|(?:quiero|quisiera|podemos|se puede) (?:negociar|llegar a un acuerdo)'],
  ],
  propose_plan: [
    [
      0.45,
      '(?:puedo|podria|le puedo|te puedo|les puedo|alcanzo a|me alcanza para) (?:pagar|dar|abonar|depositar|mandar)|(?:le|te|les) (?:ofrezco|propongo|puedo dar)|propongo|ofrezco|mi propuesta|que tal si|puedo dar|doy',
    ],
    [0.35, 'y el resto|lo demas|el saldo (?:en|a)|de a poco'],
  ],
  promise_to_pay: [
    [0.5, `(?:le|te|les|lo|la)? ?(?:${payVerbs})`],
    [
      0.45,
      '(?:voy a|vo a|puedo|podria|pienso|alcanzo a) (?:pagar|depositar|consignar|transferir|cancelar|abonar|liquidar|yapear)|(?:le|te|les) (?:voy a|vo a) (?:dar|mandar|pasar|girar)|sin falta|me comprometo|prometo|cuente con eso|seguro (?:le|te) pago',
    ],
    [-0.5, 'si (?:pago|le pago|te pago|cancelo|liquido)'],
    // Moving the date of an offer on the table: "no, mejor el lunes", "mejor pasado mañana".
    [
      0.3,
      'mejor (?:el|la|para el|para la|hasta el|hasta la|pasado manana|manana|hoy|a fin|a finales|al final|en la quincena)',
    ],
  ],
  ask_discount: [
    [
      0.9,
      'descuent\\w*|rebaj\\w*|quita|condon\\w*|perdon(?:ar|en|an) (?:los )?intereses|quitar (?:los )?intereses|sin (?:los )?intereses|bajar (?:el monto|la deuda|los intereses|algo)|me (?:bajan|bajen|rebajan|rebajen|bajas|bajaria)|oferta|promocion|precio especial|menos intereses|perdon(?:ar|en|an)|descontar|me descuentan',
    ],
    [
      0.5,
      'de contado|al contado|pago total|pago unico|(?:hay|tienen) (?:algun )?(?:beneficio|ayuda)',
    ],
  ],
  payment_claim: [
    [
      0.9,
      `ya (?:lo |la |le |les |te |los |las |eso )?(?:pague|pagamos|cancele|deposite|consigne|transferi|liquide|abone|yapee|plinee|salde|gire|mande|hice (?:el|la|un) (?:pago|transferencia|consignacion|deposito)|realice el pago|hice el pago|esta pagad[oa]|esta cancelad[oa]|habia pagado|he pagado)`,
    ],
    [
      0.8,
      '(?:lo|la|eso|esa deuda|todo) (?:pague|cancele|liquide|salde)|(?:pague|cancele|deposite|transferi|consigne) (?:ayer|hace|el mes pasado|la semana pasada|en (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre))|hice (?:el|la) (?:pago|transferencia|consignacion|deposito)',
    ],
    [
      0.6,
      'pague|cancele|deposite|consigne|transferi|abone|salde|se pago|ya (?:esta|fue) (?:pagad|consignad|cancelad|depositad|transferid)[oa]|(?:esta|fue) (?:pagad|consignad|cancelad|depositad)[oa]',
    ],
    [
      0.6,
      'tengo (?:el |la )?(?:comprobante|voucher|recibo|constancia de pago)|(?:ya|lo) (?:esta|estaba) pagad[oa]|ya no debo (?:nada)?|estoy al dia|les? mando el comprobante',
    ],
    [-0.6, '(?:dios|cuando|que|si|para que|hasta que|apenas) (?:le |te |les |lo |la )?pague'],
    [
      -0.9,
      '(?:no|todavia no|aun no|tampoco|nunca) (?:he |lo |la |le )?(?:pague|pagado|cancelado|cancele|deposite|depositado)',
    ],
  ],
  request_clearance: [
    [
      0.9,
      'paz y salvo|libre deuda|no adeudo|no deuda|finiquito|deuda saldada|carta de (?:cancelacion|pago|saldo)|(?:constancia|certificado|carta|comprobante|documento) (?:de )?que (?:ya )?no (?:debo|tengo deuda)',
    ],
    [
      0.8,
      '(?:constancia|certificado|carta) de (?:cancelacion|pago total|deuda saldada|cierre)|(?:limpiar|limpien|borrar|borren|sacar(?:me)?|quitar(?:me)?|salir) (?:de )?(?:mi )?(?:historial|infocorp|buro|datacredito|veraz|dicom|centrales|reporte|lista negra)|buro de credito|reporte negativo|datacredito|dicom|infocorp',
    ],
  ],
  ask_identity: [
    [
      0.85,
      'quien (?:habla|es|eres|sos|me habla|me escribe|escribe|son|es usted|me llama|me busca)|quienes son|con quien (?:hablo|tengo el gusto|me comunico|estoy hablando)',
    ],
    [
      0.8,
      '(?:de )?(?:donde|que empresa|que estudio|que agencia|que banco|que oficina|que entidad) (?:me )?(?:escriben|hablan|llaman|son|es|contactan)|de donde (?:sacaron|tienen|consiguieron) mi (?:numero|dato|contacto|telefono)|(?:usted|ustedes) (?:de que|quienes|de donde)|de que empresa (?:son|es|me)',
    ],
    [
      0.8,
      'estafa|fraude|es real|es verdad esto|es legal|enganio|como se que (?:no|es|son)|es en serio|son de verdad|como (?:consiguieron|obtuvieron|sacaron|tienen) (?:mi|mis)',
    ],
    [0.5, 'mis datos|de donde (?:son|es usted|me conocen)'],
  ],
  dispute: [
    [
      0.9,
      'no reconozco|(?:no la|no lo|no los) reconozco|(?:esa|esta|la|ese|este|el) (?:deuda|cobro|credito|cargo|monto|obligacion) no (?:es mia|es mio|me corresponde|la reconozco|lo reconozco|existe)|no (?:es|son) mi(?:a|o|as|os)|eso no es mio|no me corresponde',
    ],
    [
      0.8,
      '(?:nunca|jamas) (?:\\w+ )?(?:firme|saque|pedi|tuve|solicite|use|compre|abri|contrate)|no (?:debia|debo) nada|(?:cerre|cancele) (?:esa|la) (?:cuenta|tarjeta) hace',
    ],
    [
      0.85,
      'nunca (?:saque|pedi|tuve|solicite|firme|use|compre|abri|contrate|adquiri|he tenido|he sacado|he pedido)|me (?:suplantaron|robaron la identidad|clonaron)|suplantacion|prescrit\\w*|prescripcion|cobro (?:indebido|injusto|falso|ilegal)|no debo (?:nada|eso)',
    ],
    [
      0.75,
      '(?:el monto|la cifra|el saldo|eso|la deuda|el cobro) (?:esta|es) (?:mal|incorrect[oa]|errad[oa]|equivocad[oa])|debia (?:mucho )?menos|no es correcto|reclamo|no estoy de acuerdo con (?:el|la|ese|esa)',
    ],
  ],
  wrong_number: [
    [
      0.9,
      'numero equivocado|equivocad[oa]s? de (?:numero|persona)|(?:se|te|le|me) (?:equivoco|equivocaron|equivocaste|erraste|erro|equivocan) de (?:numero|persona)|no soy (?:esa persona|ese senor|esa senora|quien buscan|la persona|el titular|la titular)',
    ],
    [
      0.75,
      'se equivoc\\w*|erraste|aqui no (?:vive|es|hay|existe|trabaja)|(?:ese|este) no es mi (?:nombre|numero)|(?:este|mi) numero es nuevo|no conozco a (?:esa|ese|ninguna?|\\w+)|no (?:se|sabemos) quien es|no soy (?:yo|\\w+a|\\w+o)$|no soy yo|yo no soy',
    ],
    [0.5, '(?:estan|esta) equivocad[oa]s?'],
  ],
  hardship: [
    [
      0.85,
      '(?:perdi|me quede sin|estoy sin|ando sin|quede sin|sin) (?:mi |el |un )?(?:trabajo|empleo|chamba|chambita|pega|laburo|camello|chamba|ingresos|sueldo|plata|dinero|lana|un mango|un peso|un sol|guita|billete|un centavo|un cinco|un peso)',
    ],
    [
      0.85,
      'me (?:corrieron|despidieron|botaron|echaron|liquidaron|quitaron el trabajo)|desemplead[oa]|cesante|desocupad[oa]|no tengo (?:trabajo|chamba|empleo|pega|laburo|camello|ingresos)|sin trabajo',
    ],
    [
      0.75,
      'enferm\\w*|hospital\\w*|operacion|licencia medica|incapacidad|cancer|accidente|murio|fallecio|falleci|embarazada|bebe|no me alcanza|situacion (?:esta |economica )?(?:muy )?(?:dura|dificil|mal|complicada|fea)|(?:esta|estan) (?:muy )?(?:dura|dificil)s? las cosas|mal economicamente|crisis|estoy (?:mal|corto|apretad[oa]|quebrad[oa]|varad[oa]|pelad[oa]|en la lona|seco)',
    ],
    [0.7, 'cirugia|no he podido trabajar|sin poder trabajar|me enferme'],
    [
      0.7,
      'no (?:tengo|tenemos) (?:como|con que|para) pagar|no tengo (?:ni )?para (?:comer|pagar)|no puedo pagar|no tengo (?:plata|dinero|lana|guita|un peso)|no me da (?:la plata|el dinero)|no hay plata|no tengo con que',
    ],
  ],
  talk_to_human: [
    // A lawyer, an insolvency or a deceased account holder: only a person may handle these.
    [
      0.85,
      '(?:mi|su|un|el) abogad[oa]|(?:hable|hablen|comuniquese|comuniquense|contacte|contacten) con mi (?:abogad[oa]|apoderad[oa])|insolvencia|quiebra|concurso (?:preventivo|de acreedores)|reorganizacion empresarial|(?:el|la) titular (?:ya )?(?:fallecio|murio)|(?:fallecio|murio)(?: \\w+){0,4} (?:era|es) (?:el|la) titular|era (?:el|la) titular',
    ],
    [
      0.85,
      '(?:hablar|comunicarme|comunicar|conversar|contactar|atender|atienda|atiendan)(?: con)? (?:un |una |el |la |algun |alguna )?(?:asesor|persona|humano|agente|ejecutiv[oa]|operador[a]?|representante|supervisor|gerente|encargad[oa]|alguien)',
    ],
    [
      0.8,
      '(?:pasame|paseme|pasa|pasen|comunica(?:me)?|me comunica|comuniqueme|me comunican|transfiera(?:me)?|me pasa|me pasan|con) (?:con )?(?:un |una |el |la |algun )?(?:asesor|persona|humano|agente|ejecutiv[oa]|operador|alguien|supervisor)',
    ],
    [
      0.7,
      '(?:persona|alguien|humano) (?:real|de verdad|de carne)|me (?:atiende|puede atender) alguien|(?:quiero|necesito) (?:a )?(?:alguien|una persona|un humano|un asesor)|no (?:quiero hablar|hablo) con (?:un |una )?(?:robot|bot|maquina)',
    ],
    [
      0.55,
      'me (?:llame|llamen|puede llamar|pueden llamar|podrian llamar)|llamenme|un (?:asesor|humano|agente|ejecutivo|operador)|una persona',
    ],
  ],
  opt_out: [
    [
      0.95,
      '^(?:baja|stop|alto|unsubscribe|darme de baja|dar de baja|no mas|basta|cancelar suscripcion|salir)$',
    ],
    [
      0.95,
      '^(?:(?:ya|por favor|ok|no|porfa|oiga|oye) )+(?:baja|stop|alto|basta|no mas)(?: (?:por favor|gracias|ya|porfa))*$|^(?:baja|stop|basta)(?: (?:por favor|gracias|ya|porfa))+$',
    ],
    [
      0.9,
      'no me (?:vuelvan|vuelvas|vuelva) a (?:escribir|llamar|molestar|contactar)|no me (?:escriban|escribas|escriba|manden|mandes|envien|llamen|llames|molesten|contacten|jodan)|(?:ya )?no (?:quiero|deseo) (?:recibir|que me) (?:mas )?(?:mensajes|escriban|llamen|llamadas|sus mensajes)',
    ],
    [
      0.9,
      'dej(?:en|a|e|ame|enme) de (?:molestar|escribir|escribirme|llamar|llamarme|joder|chingar|fregar|romper|estar|mandar|acosar|insistir)|(?:sac|saqu|borr|elimin|quit)(?:en|a|e|ar|enme|ame)(?:me)? de (?:su|la|sus|esta|esa|tu) (?:lista|base)|darme de baja|(?:ya )?no me manden|acoso',
    ],
    [
      0.9,
      'no (?:quiero|deseo) que me (?:\\w+ )?(?:contacten|escriban|llamen|molesten|busquen|manden)|(?:borr|elimin|sac|saqu|quit)\\w* de (?:sus|su|la|esta|esa) (?:listas?|bases?(?: de datos)?)',
    ],
  ],
  abuse: [
    [
      0.8,
      'hijo de puta|hijos de puta|hijueputa|malparid[oa]s?|gonorreas?|pendej[oa]s?|pinches?|cabron(?:es)?|verga|chinga\\w*|puta madre|mierda|rateros?|ladron(?:es)?|estafador(?:es|as)?|conchetumare|concha de (?:tu|su) madre|conchatumadre|conchasumadre|csm|forros?|boludos?|pelotud[oa]s?|weon(?:es)?|huevon(?:es)?|culiao?s?|idiotas?|imbeciles?|estupid[oa]s?|maldit[oa]s?|lacras?|basuras?|sinverguenzas?|mamaguevo|careverga|sapos? hp|perros|cojud[oa]s?|put[oa]s?',
    ],
    [
      0.7,
      'vete a la|vayanse a la|andate a la|anda a la|chupa(?:la|me|mela)|metetela|jodete|jodanse|a la mierda|al carajo|carajo',
    ],
    // One angry face is often frustration ("ya pagué 😤"), not abuse; a string of them is.
    [0.5, 'emoji_angry'],
    [0.25, 'emoji_angry emoji_angry'],
  ],
  distress: [
    [
      0.95,
      'me quiero morir|quiero morir(?:me)?|matarme|me voy a matar|suicid\\w*|quitarme la vida|no quiero (?:seguir )?vivir|no (?:vale|tiene sentido) (?:la pena )?vivir|acabar con (?:todo|mi vida)|mejor muert[oa]|desaparecer|no quiero seguir|no vale la pena (?:seguir|vivir)',
    ],
    [
      0.85,
      'no puedo mas(?! de| que| del)|ya no aguanto|no aguanto mas|no (?:da|doy) mas|estoy desesperad[oa]|no puedo mas con (?:esto|mi vida)',
    ],
  ],
};
